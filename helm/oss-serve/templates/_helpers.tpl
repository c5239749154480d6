{{/* Chart name. */}}
{{- define "oss-serve.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: <release>-<chart>, shortened to 63 characters. */}}
{{- define "oss-serve.fullname" -}}
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

{{- define "oss-serve.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "oss-serve.selectorLabels" -}}
app.kubernetes.io/name: {{ include "oss-serve.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "oss-serve.labels" -}}
helm.sh/chart: {{ include "oss-serve.chart" . }}
{{ include "oss-serve.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: inference
app.kubernetes.io/part-of: oss-serve
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "oss-serve.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "oss-serve.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image reference: repository@digest, else repository:tag (tag defaults to appVersion). */}}
{{- define "oss-serve.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* True ("true") when Actuator runs on its own port. */}}
{{- define "oss-serve.separateMetricsPort" -}}
{{- if ne (int .Values.metrics.port) (int .Values.service.port) }}true{{ end }}
{{- end }}

{{- define "oss-serve.metricsPortName" -}}
{{- if include "oss-serve.separateMetricsPort" . }}metrics{{ else }}http{{ end }}
{{- end }}

{{/* Whether a model claim is created by the chart as a standalone PVC (Deployment only). */}}
{{- define "oss-serve.createModelClaim" -}}
{{- if and .Values.persistence.enabled (not .Values.persistence.existingClaim) (eq .Values.workload.kind "Deployment") }}true{{ end }}
{{- end }}

{{- define "oss-serve.modelClaimName" -}}
{{- default (printf "%s-models" (include "oss-serve.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{- define "oss-serve.adminKeyDir" -}}/var/run/secrets/oss-serve/admin{{- end }}

{{/*
Settings the chart derives from values, as a Spring Boot property tree. values.config is merged over
them in the ConfigMap.
*/}}
{{- define "oss-serve.derivedConfig" -}}
server:
  port: {{ .Values.service.port }}
  shutdown: graceful
spring:
  lifecycle:
    timeout-per-shutdown-phase: {{ printf "%ds" (max 10 (sub (int .Values.terminationGracePeriodSeconds) (add (int .Values.preStopSleepSeconds) 15))) }}
  {{- if .Values.database.url }}
  datasource:
    url: {{ .Values.database.url | quote }}
  {{- end }}
  {{- if .Values.redis.host }}
  data:
    redis:
      host: {{ .Values.redis.host | quote }}
      port: {{ .Values.redis.port }}
      database: {{ .Values.redis.database }}
      ssl:
        enabled: {{ .Values.redis.ssl }}
  {{- end }}
management:
  {{- if include "oss-serve.separateMetricsPort" . }}
  server:
    port: {{ .Values.metrics.port }}
  {{- end }}
  endpoint:
    health:
      probes:
        enabled: true
oss-serve:
  data-dir: {{ .Values.data.mountPath | quote }}
  engine:
    backend: {{ .Values.engine.backend | quote }}
  {{- if or .Values.model.path .Values.model.servedModelName }}
  model:
    {{- with .Values.model.path }}
    path: {{ . | quote }}
    {{- end }}
    {{- with .Values.model.servedModelName }}
    served-model-name: {{ . | quote }}
    {{- end }}
  {{- end }}
  {{- $jwt := .Values.security.jwt }}
  {{- if or .Values.secrets.adminKey.existingSecret $jwt.issuerUri $jwt.jwkSetUri $jwt.audience $jwt.tenantClaim }}
  security:
    {{- if .Values.secrets.adminKey.existingSecret }}
    admin-key-file: {{ printf "%s/%s" (include "oss-serve.adminKeyDir" .) .Values.secrets.adminKey.key | quote }}
    {{- end }}
    {{- with .Values.security.jwt }}
    {{- if or .issuerUri .jwkSetUri .audience .tenantClaim }}
    jwt:
      {{- with .issuerUri }}
      issuer-uri: {{ . | quote }}
      {{- end }}
      {{- with .jwkSetUri }}
      jwk-set-uri: {{ . | quote }}
      {{- end }}
      {{- with .audience }}
      audience: {{ . | quote }}
      {{- end }}
      {{- with .tenantClaim }}
      tenant-claim: {{ . | quote }}
      {{- end }}
    {{- end }}
    {{- end }}
  {{- end }}
{{- end }}

{{/*
Refuse secret-looking keys anywhere in a settings tree. Called with (list <path> <dict>).
*/}}
{{- define "oss-serve.refuseSecrets" -}}
{{- $path := index . 0 }}
{{- $tree := index . 1 }}
{{- range $k, $v := $tree }}
{{- $p := printf "%s.%s" $path $k }}
{{- if regexMatch "(?i)(^|[-_.])(password|passwd|secret|token|credentials?|admin-?key|api-?key|private-?key)$" $k }}
{{- fail (printf "%s looks like a secret value; reference an existing Secret instead (secrets.* or extraEnv valueFrom.secretKeyRef)" $p) }}
{{- end }}
{{- if kindIs "map" $v }}
{{- include "oss-serve.refuseSecrets" (list $p $v) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Checks of combinations that a JSON schema cannot express. */}}
{{- define "oss-serve.validate" -}}
{{- include "oss-serve.refuseSecrets" (list "config" .Values.config) }}
{{- range .Values.extraEnv }}
{{- if and (hasKey . "value") (regexMatch "(?i)(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIALS?|ADMIN_?KEY|API_?KEY|PRIVATE_?KEY)$" .name) }}
{{- fail (printf "extraEnv %s carries a literal value that looks like a secret; use valueFrom.secretKeyRef" .name) }}
{{- end }}
{{- end }}
{{- if and .Values.data.persistent (ne .Values.workload.kind "StatefulSet") }}
{{- fail "data.persistent=true needs workload.kind=StatefulSet (one /data claim per replica: the audit spool and key file must not be shared)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- $multi := or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and $multi (not .Values.secrets.adminKey.existingSecret) }}
{{- fail "more than one replica needs secrets.adminKey.existingSecret: otherwise every replica generates its own bootstrap admin key" }}
{{- end }}
{{- if and $multi (include "oss-serve.createModelClaim" .) (not (has "ReadWriteMany" .Values.persistence.accessModes)) (not (has "ReadOnlyMany" .Values.persistence.accessModes)) }}
{{- fail "several Deployment replicas cannot share a ReadWriteOnce model claim across nodes: use persistence.accessModes [ReadWriteMany], persistence.existingClaim, or workload.kind=StatefulSet" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) }}
{{- fail "podDisruptionBudget: set either minAvailable or maxUnavailable, not both (set the other to null)" }}
{{- end }}
{{- if and .Values.route.enabled .Values.ingress.enabled }}
{{- fail "enable either route (OpenShift) or ingress, not both" }}
{{- end }}
{{- end }}
