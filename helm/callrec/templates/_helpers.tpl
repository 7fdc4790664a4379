{{/* Chart name. */}}
{{- define "callrec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: the release name, plus the chart name unless the release already holds it. */}}
{{- define "callrec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's resources: (dict "root" $ "component" "ingest"). */}}
{{- define "callrec.componentName" -}}
{{- printf "%s-%s" (include "callrec.fullname" .root) .component -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "callrec.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "callrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: callrec
{{- end -}}

{{/* Selector labels of a component: (dict "root" $ "component" "ingest"). */}}
{{- define "callrec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "callrec.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of a component's objects: (dict "root" $ "component" "ingest"). */}}
{{- define "callrec.componentLabels" -}}
{{ include "callrec.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Label of the Services the ServiceMonitor scrapes. */}}
{{- define "callrec.metricsLabel" -}}
callrec.io/metrics: "true"
{{- end -}}

{{/* Image of a component: (dict "root" $ "image" .Values.control.image). */}}
{{- define "callrec.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* ServiceAccount of the pods. */}}
{{- define "callrec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "callrec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret holding the S3 credentials. */}}
{{- define "callrec.s3SecretName" -}}
{{- if .Values.s3.existingSecret -}}
{{- .Values.s3.existingSecret -}}
{{- else -}}
{{- printf "%s-s3" (include "callrec.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
Kafka client properties of kafka.config as ConfigMap entries: security.protocol becomes
KAFKA_SECURITY_PROTOCOL, which Quarkus gives the services' Kafka clients as security.protocol again.
*/}}
{{- define "callrec.kafkaConfigEnv" -}}
{{- range $key, $value := .Values.kafka.config }}
  KAFKA_{{ $key | upper | replace "." "_" }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Kafka client settings from an existing Secret, for the envFrom of every Kafka client: control, ingest, storage, catalog. */}}
{{- define "callrec.kafkaEnvFrom" -}}
{{- if .Values.kafka.existingSecret -}}
- secretRef:
    name: {{ .Values.kafka.existingSecret }}
{{- end -}}
{{- end -}}

{{/* Name of the Secret holding the internal API's bearer token. */}}
{{- define "callrec.internalTokenSecretName" -}}
{{- if .Values.internalToken.existingSecret -}}
{{- .Values.internalToken.existingSecret -}}
{{- else -}}
{{- printf "%s-internal-token" (include "callrec.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Where the internal token is mounted in ingest and control (one file, named token, whatever the Secret's key). */}}
{{- define "callrec.internalTokenDir" -}}/etc/callrec/internal-token{{- end -}}

{{/* Where catalog-service's operator key (catalog.operatorKey.existingSecret) is mounted; the file is named operator-key. */}}
{{- define "callrec.operatorKeyDir" -}}/etc/callrec/operator-key{{- end -}}

{{/* Where the internal API's TLS material (internalTls.existingSecret) is mounted in ingest and control. */}}
{{- define "callrec.internalTlsDir" -}}/etc/callrec/internal-tls{{- end -}}

{{/* Port of ingest's internal API that control-service calls: 8443 (HTTPS) with internalTls, else 8082. */}}
{{- define "callrec.ingestApiPort" -}}
{{- if .Values.internalTls.existingSecret -}}8443{{- else -}}8082{{- end -}}
{{- end -}}

{{/* The token volume of ingest and control: the Secret's key always appears as the file "token". */}}
{{- define "callrec.internalTokenVolume" -}}
- name: internal-token
  secret:
    secretName: {{ include "callrec.internalTokenSecretName" . }}
    defaultMode: 0440
    items:
      - key: {{ ternary .Values.internalToken.key "token" (not (empty .Values.internalToken.existingSecret)) }}
        path: token
{{- end -}}

{{/* The internal TLS volume: only the items a component needs (dict "root" $ "keys" (list "certKey" "keyKey")). */}}
{{- define "callrec.internalTlsVolume" -}}
{{- $tls := .root.Values.internalTls -}}
- name: internal-tls
  secret:
    secretName: {{ $tls.existingSecret }}
    defaultMode: 0440
    items:
      {{- range $k := .keys }}
      - key: {{ index $tls $k }}
        path: {{ index (dict "certKey" "tls.crt" "keyKey" "tls.key" "caKey" "ca.crt") $k }}
      {{- end }}
{{- end -}}

{{/* Base URLs of the ingest pods' internal API, through the headless Service (control.ingest.nodes). */}}
{{- define "callrec.ingestNodes" -}}
{{- $ingest := include "callrec.componentName" (dict "root" . "component" "ingest") -}}
{{- $scheme := ternary "https" "http" (not (empty .Values.internalTls.existingSecret)) -}}
{{- $port := include "callrec.ingestApiPort" . -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.ingest.replicas) -}}
{{- $urls = append $urls (printf "%s://%s-%d.%s.%s.svc.%s:%s" $scheme $ingest $i $ingest $.Release.Namespace $.Values.clusterDomain $port) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* Where an ingest pod's advertised address comes from: explicit, hostIP or podIP. */}}
{{- define "callrec.ingestAddressSource" -}}
{{- $a := .Values.ingest.advertisedAddress -}}
{{- if $a.fromField -}}
{{- $a.fromField -}}
{{- else if $a.addresses -}}
explicit
{{- else if eq .Values.ingest.networkMode "clusterIP" -}}
podIP
{{- else if eq .Values.ingest.networkMode "hostNetwork" -}}
hostIP
{{- else -}}
explicit
{{- end -}}
{{- end -}}

{{/* Probes on the management port (quarkus.management.port). */}}
{{- define "callrec.probes" -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: management
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /q/health/live
    port: management
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: management
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* Refuses invalid combinations of values (rendered by templates/validate.yaml). */}}
{{/*
Seconds the ingest preStop hook may wait for the open recordings to end: what the grace period
leaves after the SIGTERM phase (ingest.shutdown.drain, then the Kafka flush, then a margin).
Negative when the grace period is too short (refused by callrec.validate).
*/}}
{{- define "callrec.ingestPreStopSeconds" -}}
{{- $v := .Values.ingest -}}
{{- sub (int $v.terminationGracePeriodSeconds) (add (int $v.shutdown.drainSeconds) (int $v.shutdown.flushTimeoutSeconds) (int $v.shutdown.marginSeconds)) -}}
{{- end -}}

{{- define "callrec.validate" -}}
{{- $v := .Values -}}
{{- $mode := $v.ingest.networkMode -}}
{{- $source := include "callrec.ingestAddressSource" . -}}
{{- $addresses := $v.ingest.advertisedAddress.addresses -}}
{{- $replicas := int $v.ingest.replicas -}}
{{- if not (has $mode (list "hostNetwork" "perPodAddress" "clusterIP")) -}}
{{- fail (printf "ingest.networkMode must be hostNetwork, perPodAddress or clusterIP, not %q" $mode) -}}
{{- end -}}
{{- if lt $replicas 1 -}}
{{- fail "ingest.replicas must be at least 1: control-service needs an ingest node" -}}
{{- end -}}
{{- if gt (int $v.ingest.ports.min) (int $v.ingest.ports.max) -}}
{{- fail (printf "ingest.ports.min (%d) must not exceed ingest.ports.max (%d)" (int $v.ingest.ports.min) (int $v.ingest.ports.max)) -}}
{{- end -}}
{{- if lt (int $v.ingest.ports.min) 1024 -}}
{{- fail "ingest.ports.min must be at least 1024: the pods run without privileges" -}}
{{- end -}}
{{- if and $v.ingest.advertisedAddress.fromField $addresses -}}
{{- fail "set either ingest.advertisedAddress.addresses or ingest.advertisedAddress.fromField, not both" -}}
{{- end -}}
{{- if eq $mode "hostNetwork" -}}
  {{- if eq $v.ingest.updateStrategy "RollingUpdate" -}}
  {{- fail "ingest.updateStrategy RollingUpdate is not allowed with networkMode hostNetwork: a replacement pod needs the node's ports, and a rolling update cuts every call; use OnDelete" -}}
  {{- end -}}
  {{- if and (eq $source "explicit") (gt $replicas 1) -}}
  {{- fail "in hostNetwork mode an explicit ingest.advertisedAddress.addresses works only with ingest.replicas=1 (a StatefulSet does not pin pods to nodes); use fromField hostIP, or perPodAddress mode" -}}
  {{- end -}}
{{- else if eq $mode "perPodAddress" -}}
  {{- if ne $source "explicit" -}}
  {{- fail "networkMode perPodAddress needs ingest.advertisedAddress.addresses (one public address per pod), not fromField" -}}
  {{- end -}}
  {{- $size := add1 (sub (int $v.ingest.ports.max) (int $v.ingest.ports.min)) -}}
  {{- if gt (int $size) (int $v.ingest.perPodService.maxPorts) -}}
  {{- fail (printf "networkMode perPodAddress lists every UDP port in each pod's Service: the range %d-%d has %d ports, more than ingest.perPodService.maxPorts (%d); narrow ingest.ports" (int $v.ingest.ports.min) (int $v.ingest.ports.max) (int $size) (int $v.ingest.perPodService.maxPorts)) -}}
  {{- end -}}
{{- else if eq $mode "clusterIP" -}}
  {{- if ne $source "podIP" -}}
  {{- fail "networkMode clusterIP advertises the pod IP (fromField podIP); explicit addresses and hostIP do not reach a pod's UDP ports there" -}}
  {{- end -}}
{{- end -}}
{{- if and (eq $source "explicit") (lt (len $addresses) $replicas) -}}
{{- fail (printf "ingest.advertisedAddress.addresses has %d entries for %d ingest replicas: give one address per pod" (len $addresses) $replicas) -}}
{{- end -}}
{{- if and (eq $source "hostIP") (ne $mode "hostNetwork") -}}
{{- fail "ingest.advertisedAddress.fromField hostIP is only valid with networkMode hostNetwork: the node's address does not lead to a pod's UDP ports otherwise" -}}
{{- end -}}
{{- if gt (int $v.storage.replicas) (int $v.kafka.topicPartitions) -}}
{{- fail (printf "storage.replicas (%d) must not exceed kafka.topicPartitions (%d): consumers beyond the partitions of the media topic stay idle" (int $v.storage.replicas) (int $v.kafka.topicPartitions)) -}}
{{- end -}}
{{- if not $v.kafka.bootstrapServers -}}
{{- fail "kafka.bootstrapServers is required, e.g. my-kafka-bootstrap.kafka.svc:9092" -}}
{{- end -}}
{{- if hasKey (default dict $v.kafka.config) "bootstrap.servers" -}}
{{- fail "kafka.config may not hold bootstrap.servers: set kafka.bootstrapServers" -}}
{{- end -}}
{{- if not $v.s3.endpoint -}}
{{- fail "s3.endpoint is required, e.g. http://minio.minio.svc:9000" -}}
{{- end -}}
{{- if and (not $v.s3.existingSecret) (or (not $v.s3.accessKey) (not $v.s3.secretKey)) -}}
{{- fail "S3 credentials: set s3.existingSecret (preferred) or both s3.accessKey and s3.secretKey" -}}
{{- end -}}
{{- if lt (int (include "callrec.ingestPreStopSeconds" .)) 0 -}}
{{- $s := $v.ingest.shutdown -}}
{{- fail (printf "ingest.terminationGracePeriodSeconds (%d) is shorter than the shutdown after SIGTERM: ingest.shutdown.drainSeconds (%d) + ingest.shutdown.flushTimeoutSeconds (%d) + ingest.shutdown.marginSeconds (%d); the last chunks would be lost" (int $v.ingest.terminationGracePeriodSeconds) (int $s.drainSeconds) (int $s.flushTimeoutSeconds) (int $s.marginSeconds)) -}}
{{- end -}}
{{- range $key := list "INGEST_SHUTDOWN_DRAIN" "INGEST_SHUTDOWN_FLUSH_TIMEOUT" -}}
{{- if hasKey $v.ingest.env $key -}}
{{- fail (printf "ingest.env.%s: set ingest.shutdown.* instead, the grace period and the preStop wait are computed from it" $key) -}}
{{- end -}}
{{- end -}}
{{- $svc := $v.control.service -}}
{{- if and (eq $svc.type "LoadBalancer") (empty $svc.loadBalancerSourceRanges) (not $svc.allowPublicWithoutSourceRanges) -}}
{{- fail "control.service is a LoadBalancer without loadBalancerSourceRanges: every address on the internet could open phone sessions. Set control.service.loadBalancerSourceRanges to the phones' networks, or acknowledge with control.service.allowPublicWithoutSourceRanges=true (e.g. an internal load balancer)" -}}
{{- end -}}
{{- if and (eq $v.s3.sse "kms") (not $v.s3.sseKmsKeyId) -}}
{{- fail "s3.sse kms needs s3.sseKmsKeyId (the KMS key id or ARN)" -}}
{{- end -}}
{{- if and $v.s3.sseKmsKeyId (ne $v.s3.sse "kms") -}}
{{- fail "s3.sseKmsKeyId is only used with s3.sse kms" -}}
{{- end -}}
{{- if and (not $v.s3.existingSecret) (eq $v.s3.secretKey "callrec-secret") -}}
{{- fail "s3.secretKey callrec-secret is the well-known development key: give the store's real credentials (s3.existingSecret)" -}}
{{- end -}}
{{- if $v.catalog.enabled -}}
{{- if not $v.catalog.database.url -}}
{{- fail "catalog.database.url is required with catalog.enabled: the JDBC URL of the external PostgreSQL, e.g. jdbc:postgresql://postgres.db.svc:5432/callrec (the chart runs no database)" -}}
{{- end -}}
{{- if not (hasPrefix "jdbc:postgresql:" $v.catalog.database.url) -}}
{{- fail (printf "catalog.database.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), not %q" $v.catalog.database.url) -}}
{{- end -}}
{{- if not $v.catalog.database.existingSecret -}}
{{- fail "catalog.database.existingSecret is required with catalog.enabled: a Secret holding the database user and password (keys catalog.database.usernameKey and passwordKey, default username and password)" -}}
{{- end -}}
{{- if not $v.catalog.operatorKey.existingSecret -}}
{{- fail "catalog.operatorKey.existingSecret is required with catalog.enabled: a Secret whose key catalog.operatorKey.key (default operator-key) holds the operator key or sha256:<hex> of it" -}}
{{- end -}}
{{- end -}}
{{- range $component := list "control" "ingest" "storage" "catalog" -}}
{{- if hasKey (index $v $component).env "QUARKUS_PROFILE" -}}
{{- fail (printf "%s.env.QUARKUS_PROFILE: the chart runs the services in the prod profile; the dev, test and local profiles accept well-known credentials" $component) -}}
{{- end -}}
{{- range $key := list "INGEST_API_TOKEN_FILE" "CONTROL_INGEST_TOKEN_FILE" "CONTROL_INGEST_TRUST_FILE" "STORAGE_IMPORT_CREDENTIALS_FILE" "STORAGE_S3_CA_FILE" "CATALOG_OPERATOR_KEY_FILE" -}}
{{- if hasKey (index $v $component).env $key -}}
{{- fail (printf "%s.env.%s: the chart mounts this file from a Secret; set internalToken, internalTls, storage.import, s3.caSecret or catalog.operatorKey instead" $component $key) -}}
{{- end -}}
{{- end -}}
{{- range $key := list "QUARKUS_DATASOURCE_USERNAME" "QUARKUS_DATASOURCE_PASSWORD" "QUARKUS_DATASOURCE_JDBC_URL" -}}
{{- if hasKey (index $v $component).env $key -}}
{{- fail (printf "%s.env.%s: the database comes from catalog.database (url, existingSecret), never from env" $component $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $v.control.service.nodePort (ne $v.control.service.type "NodePort") -}}
{{- fail "control.service.nodePort is only valid with control.service.type NodePort" -}}
{{- end -}}
{{- end -}}

{{/* NetworkPolicy peer of the monitoring (Prometheus) pods allowed to reach the management ports. */}}
{{- define "callrec.monitoringPeer" -}}
{{- $m := .Values.networkPolicy.monitoring -}}
- namespaceSelector:
    {{- toYaml (default dict $m.namespaceSelector) | nindent 4 }}
  podSelector:
    {{- toYaml (default dict $m.podSelector) | nindent 4 }}
{{- end -}}

{{/* NetworkPolicy "from" of a list of CIDRs; renders nothing for [] (a rule without "from" admits any source). */}}
{{- define "callrec.cidrPeers" -}}
{{- if . -}}
from:
  {{- range $cidr := . }}
  - ipBlock:
      cidr: {{ $cidr }}
  {{- end }}
{{- end }}
{{- end -}}
