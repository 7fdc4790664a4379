package org.callrec.storage.upload;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * A private CA and a server certificate it signed for {@code 127.0.0.1}, made in memory with
 * Bouncy Castle's ASN.1 classes (bcprov is on the classpath with the MinIO SDK; no keytool, no
 * files in the repository).
 *
 * @param caPem  the CA certificate, PEM
 * @param server TLS context of a server presenting the signed certificate (with the CA in its chain)
 */
record TestCertificates(String caPem, SSLContext server) {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final AlgorithmIdentifier SHA256_RSA =
            new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);

    static TestCertificates create() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair caKeys = rsa.generateKeyPair();
        KeyPair serverKeys = rsa.generateKeyPair();
        X500Name caName = new X500Name("CN=callrec test CA");
        X509Certificate ca = sign(caName, caKeys.getPublic(), caName, caKeys.getPrivate(), true);
        X509Certificate server = sign(new X500Name("CN=127.0.0.1"), serverKeys.getPublic(), caName, caKeys.getPrivate(),
                false);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] password = "test".toCharArray();
        keys.setKeyEntry("server", serverKeys.getPrivate(), password, new Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return new TestCertificates(pem, tls);
    }

    private static X509Certificate sign(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
                                        boolean ca) throws Exception {
        long now = System.currentTimeMillis();
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.incrementAndGet())));
        tbs.setIssuer(issuer);
        tbs.setSubject(subject);
        tbs.setStartDate(new Time(new Date(now - 60_000)));
        tbs.setEndDate(new Time(new Date(now + 86_400_000)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
        tbs.setSignature(SHA256_RSA);
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        }
        tbs.setExtensions(ext.generate());
        TBSCertificate t = tbs.generateTBSCertificate();
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(issuerKey);
        signature.update(t.getEncoded(ASN1Encoding.DER));
        ASN1EncodableVector cert = new ASN1EncodableVector();
        cert.add(t);
        cert.add(SHA256_RSA);
        cert.add(new DERBitString(signature.sign()));
        byte[] der = new DERSequence(cert).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
