package org.callrec.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and one server certificate signed by it, made for a test with the JDK's
 * {@code keytool} (valid two days, EC P-256, the server certificate names {@code 127.0.0.1} and
 * {@code localhost}), as PEM files the way a Kubernetes TLS Secret holds them, and as a
 * PKCS#12 key store for Java servers.
 *
 * @param dir        where the files are
 * @param caCert     PEM of the CA certificate (what a client trusts)
 * @param serverCert PEM of the server certificate, then the CA's (the chain a server presents)
 * @param serverKey  PEM (PKCS#8) of the server's private key
 * @param keyStore   PKCS#12 with the server's key and chain, password {@link #PASSWORD}
 */
public record TestCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path keyStore) {

    /** Password of the key stores. */
    public static final String PASSWORD = "changeit";

    /** Makes a CA and a server certificate in {@code dir}. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caStore = dir.resolve("ca.p12");
            Path store = dir.resolve("server.p12");
            Path ca = dir.resolve("ca.crt");
            Path csr = dir.resolve("server.csr");
            Path signed = dir.resolve("server-only.crt");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=callrec test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", caStore.toString());
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-file", ca.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-validity", "2", "-keystore", store.toString());
            keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-file", csr.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-infile", csr.toString(),
                    "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-ext", "KU=digitalSignature", "-ext", "EKU=serverAuth");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store.toString(), "-file", ca.toString());
            keytool("-importcert", "-alias", "server", "-keystore", store.toString(), "-file", signed.toString());

            Path chain = dir.resolve("server.crt");
            Files.writeString(chain, Files.readString(signed) + Files.readString(ca));
            Path key = dir.resolve("server.key");
            PrivateKey pk = (PrivateKey) load(store).getKey("server", PASSWORD.toCharArray());
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pk.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new TestCertificates(dir, ca, chain, key, store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL context for a Java server presenting the server certificate. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore), PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL context for a Java client that trusts only the CA. */
    public SSLContext clientContext() {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            try (InputStream in = Files.newInputStream(caCert)) {
                ts.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
