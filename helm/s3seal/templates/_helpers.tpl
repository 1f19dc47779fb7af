{{/* Chart name. */}}
{{- define "s3seal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name. */}}
{{- define "s3seal.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "s3seal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "s3seal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "s3seal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "s3seal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "s3seal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "s3seal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "s3seal.policyConfigMapName" -}}
{{- default (printf "%s-policy" (include "s3seal.fullname" .)) .Values.policy.existingConfigMap }}
{{- end }}

{{- define "s3seal.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The s3seal container. Used by the Deployment (standalone) and, with sidecar=true, rendered into
the sidecar ConfigMap so that the sidecar spec is the same as the standalone one.
Call with (dict "root" $ "sidecar" true|false).
*/}}
{{- define "s3seal.container" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
name: s3seal
image: {{ include "s3seal.image" $root | quote }}
imagePullPolicy: {{ $v.image.pullPolicy }}
{{- if .sidecar }}
# Native sidecar (Kubernetes >= 1.29, in initContainers): started and ready before the app
# containers, stopped after them.
restartPolicy: Always
{{- end }}
ports:
{{- if .sidecar }}
  # Port names are unique per pod, hence the prefix. The S3 port is loopback only: not listed.
  - name: s3seal-mgmt
    containerPort: {{ $v.managementPort }}
    protocol: TCP
{{- else }}
  - name: s3
    containerPort: {{ $v.port }}
    protocol: TCP
  - name: management
    containerPort: {{ $v.managementPort }}
    protocol: TCP
{{- end }}
env:
  - name: SERVER_ADDRESS
    value: {{ ternary $v.sidecar.bindAddress "0.0.0.0" (.sidecar | default false) | quote }}
  - name: SERVER_PORT
    value: {{ $v.port | quote }}
  # Probes come from the kubelet over the pod IP, so management listens on all interfaces (without
  # this it would bind like SERVER_ADDRESS). /policy/explain still answers only loopback peers
  # (kubectl port-forward) unless S3SEAL_OPS_POLICY_EXPLAIN_ALLOW_REMOTE=true.
  - name: MANAGEMENT_SERVER_ADDRESS
    value: "0.0.0.0"
  - name: MANAGEMENT_SERVER_PORT
    value: {{ $v.managementPort | quote }}
  - name: JAVA_TOOL_OPTIONS
    value: {{ $v.javaToolOptions | quote }}
  - name: S3SEAL_UPSTREAM_ENDPOINT
    value: {{ $v.upstream.endpoint | quote }}
  - name: S3SEAL_UPSTREAM_REGION
    value: {{ $v.upstream.region | quote }}
  {{- with $v.upstream.credentials }}
  {{- if .existingSecret }}
  - name: S3SEAL_UPSTREAM_ACCESS_KEY_ID
    valueFrom:
      secretKeyRef:
        name: {{ .existingSecret }}
        key: {{ .accessKeyIdKey }}
  - name: S3SEAL_UPSTREAM_SECRET_ACCESS_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .existingSecret }}
        key: {{ .secretAccessKeyKey }}
  {{- end }}
  {{- end }}
  {{- if $v.kms.endpoint }}
  - name: S3SEAL_KMS_ENDPOINT
    value: {{ $v.kms.endpoint | quote }}
  {{- end }}
  {{- if $v.kms.region }}
  - name: S3SEAL_KMS_REGION
    value: {{ $v.kms.region | quote }}
  {{- end }}
  - name: S3SEAL_POLICY
    value: {{ printf "%s/%s" $v.policy.mountPath $v.policy.key | quote }}
  {{- range $i, $c := $v.clients }}
  - name: S3SEAL_CLIENTS_{{ $i }}_NAME
    value: {{ $c.name | quote }}
  {{- if $c.accessKeyIdKey }}
  - name: S3SEAL_CLIENTS_{{ $i }}_ACCESS_KEY_ID
    valueFrom:
      secretKeyRef:
        name: {{ $c.existingSecret }}
        key: {{ $c.accessKeyIdKey }}
  {{- else }}
  - name: S3SEAL_CLIENTS_{{ $i }}_ACCESS_KEY_ID
    value: {{ $c.accessKeyId | quote }}
  {{- end }}
  - name: S3SEAL_CLIENTS_{{ $i }}_SECRET_FILE
    value: {{ printf "/etc/s3seal/clients/%d/secret" $i | quote }}
  {{- with $c.buckets }}
  - name: S3SEAL_CLIENTS_{{ $i }}_BUCKETS
    value: {{ join "," . | quote }}
  {{- end }}
  {{- end }}
  {{- with $v.virtualHostDomains }}
  - name: S3SEAL_VIRTUAL_HOST_DOMAINS
    value: {{ join "," . | quote }}
  {{- end }}
  {{- with $v.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ $v.managementPort }}
  periodSeconds: {{ $v.probes.startup.periodSeconds }}
  failureThreshold: {{ $v.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ $v.managementPort }}
  periodSeconds: {{ $v.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ $v.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: {{ $v.managementPort }}
  periodSeconds: {{ $v.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ $v.probes.readiness.failureThreshold }}
resources:
  {{- toYaml $v.resources | nindent 2 }}
securityContext:
  {{- toYaml $v.securityContext | nindent 2 }}
volumeMounts:
  - name: s3seal-tmp
    mountPath: /tmp
  - name: s3seal-policy
    mountPath: {{ $v.policy.mountPath }}
    readOnly: true
  {{- range $i, $c := $v.clients }}
  - name: s3seal-client-{{ $i }}
    mountPath: /etc/s3seal/clients/{{ $i }}
    readOnly: true
  {{- end }}
  {{- if $v.masterKeys.existingSecret }}
  - name: s3seal-keys
    mountPath: {{ $v.masterKeys.mountPath }}
    readOnly: true
  {{- end }}
  {{- with $v.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
Mode of mounted secret files. Standalone: 0440, readable through the pod's fsGroup (10001).
Sidecar: 0444, because the application's pod may not set fsGroup 10001; the volumes are mounted
into the s3seal container only.
*/}}
{{- define "s3seal.secretMode" -}}
{{- if eq .Values.mode "sidecar" }}0444{{ else }}0440{{ end }}
{{- end }}

{{/* Pod volumes the s3seal container needs (standalone pod and sidecar snippet). */}}
{{- define "s3seal.volumes" -}}
- name: s3seal-tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: s3seal-policy
  configMap:
    name: {{ include "s3seal.policyConfigMapName" . }}
    items:
      - key: {{ .Values.policy.key }}
        path: {{ .Values.policy.key }}
{{- range $i, $c := .Values.clients }}
- name: s3seal-client-{{ $i }}
  secret:
    secretName: {{ $c.existingSecret }}
    defaultMode: {{ include "s3seal.secretMode" $ }}
    items:
      - key: {{ default "secret-access-key" $c.secretKey }}
        path: secret
{{- end }}
{{- if .Values.masterKeys.existingSecret }}
- name: s3seal-keys
  secret:
    secretName: {{ .Values.masterKeys.existingSecret }}
    defaultMode: {{ include "s3seal.secretMode" . }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}
