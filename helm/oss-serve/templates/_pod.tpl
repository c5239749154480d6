{{/* Pod template shared by the Deployment and the StatefulSet. */}}
{{- define "oss-serve.podTemplate" -}}
metadata:
  labels:
    {{- include "oss-serve.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Roll the pods when the application settings change.
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "oss-serve.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.runtimeClassName }}
  runtimeClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: oss-serve
      image: {{ include "oss-serve.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["serve"]
      ports:
        - name: http
          containerPort: {{ .Values.service.port }}
          protocol: TCP
        {{- if include "oss-serve.separateMetricsPort" . }}
        - name: metrics
          containerPort: {{ .Values.metrics.port }}
          protocol: TCP
        {{- end }}
      env:
        - name: SPRING_CONFIG_ADDITIONAL_LOCATION
          value: "optional:file:/etc/oss-serve/application.yaml"
        - name: JDK_JAVA_OPTIONS
          value: {{ .Values.jvm.options | quote }}
        - name: HOME
          value: /tmp
        - name: CUDA_CACHE_PATH
          value: /tmp/cuda-cache
        {{- with .Values.springProfiles }}
        - name: SPRING_PROFILES_ACTIVE
          value: {{ join "," . | quote }}
        {{- end }}
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        {{- with .Values.secrets.database }}
        {{- if .existingSecret }}
        - name: SPRING_DATASOURCE_USERNAME
          valueFrom:
            secretKeyRef:
              name: {{ .existingSecret }}
              key: {{ .usernameKey }}
        - name: SPRING_DATASOURCE_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ .existingSecret }}
              key: {{ .passwordKey }}
        {{- end }}
        {{- end }}
        {{- with .Values.secrets.redis }}
        {{- if .existingSecret }}
        - name: SPRING_DATA_REDIS_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ .existingSecret }}
              key: {{ .passwordKey }}
        {{- end }}
        {{- end }}
        {{- with .Values.secrets.jwt.existingSecret }}
        - name: OSSSERVE_SECURITY_JWT_ISSUERURI
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: issuer-uri
              optional: true
        - name: OSSSERVE_SECURITY_JWT_JWKSETURI
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: jwk-set-uri
              optional: true
        - name: OSSSERVE_SECURITY_JWT_AUDIENCE
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: audience
              optional: true
        {{- end }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .Values.extraEnvFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      startupProbe:
        httpGet:
          path: {{ .Values.probes.startup.path }}
          port: http
        initialDelaySeconds: {{ .Values.probes.startup.initialDelaySeconds }}
        periodSeconds: {{ .Values.probes.startup.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.startup.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.startup.failureThreshold }}
      readinessProbe:
        httpGet:
          path: {{ .Values.probes.readiness.path }}
          port: http
        periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
        successThreshold: {{ .Values.probes.readiness.successThreshold }}
      livenessProbe:
        httpGet:
          path: {{ .Values.probes.liveness.path }}
          port: http
        periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
      {{- if gt (int .Values.preStopSleepSeconds) 0 }}
      lifecycle:
        preStop:
          sleep:
            seconds: {{ .Values.preStopSleepSeconds }}
      {{- end }}
      resources:
        {{- $res := deepCopy .Values.resources }}
        {{- if gt (int .Values.gpu.count) 0 }}
        {{- $limits := default (dict) $res.limits }}
        {{- $_ := set $limits .Values.gpu.resourceName (int .Values.gpu.count) }}
        {{- $_ := set $res "limits" $limits }}
        {{- $requests := default (dict) $res.requests }}
        {{- $_ := set $requests .Values.gpu.resourceName (int .Values.gpu.count) }}
        {{- $_ := set $res "requests" $requests }}
        {{- end }}
        {{- toYaml $res | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /etc/oss-serve
          readOnly: true
        - name: models
          mountPath: {{ .Values.persistence.mountPath }}
          readOnly: {{ .Values.persistence.readOnly }}
        - name: data
          mountPath: {{ .Values.data.mountPath }}
        - name: tmp
          mountPath: /tmp
        {{- if .Values.secrets.adminKey.existingSecret }}
        - name: admin-key
          mountPath: {{ include "oss-serve.adminKeyDir" . }}
          readOnly: true
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "oss-serve.fullname" . }}
    {{- if not .Values.persistence.enabled }}
    - name: models
      emptyDir: {}
    {{- else if or .Values.persistence.existingClaim (eq .Values.workload.kind "Deployment") }}
    - name: models
      persistentVolumeClaim:
        claimName: {{ include "oss-serve.modelClaimName" . }}
        readOnly: {{ .Values.persistence.readOnly }}
    {{- end }}
    {{- if not .Values.data.persistent }}
    - name: data
      emptyDir:
        sizeLimit: {{ .Values.data.sizeLimit }}
    {{- end }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmp.sizeLimit }}
    {{- with .Values.secrets.adminKey }}
    {{- if .existingSecret }}
    - name: admin-key
      secret:
        secretName: {{ .existingSecret }}
        defaultMode: 0400
        items:
          - key: {{ .key }}
            path: {{ .key }}
    {{- end }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $constraints := list }}
  {{- if .Values.topologySpread.enabled }}
  {{- $constraints = append $constraints (dict "maxSkew" .Values.topologySpread.maxSkew "topologyKey" .Values.topologySpread.topologyKey "whenUnsatisfiable" .Values.topologySpread.whenUnsatisfiable) }}
  {{- end }}
  {{- $constraints = concat $constraints .Values.topologySpreadConstraints }}
  {{- if $constraints }}
  {{- $withSelector := list }}
  {{- range $constraints }}
  {{- $c := deepCopy . }}
  {{- if not (hasKey $c "labelSelector") }}
  {{- $_ := set $c "labelSelector" (dict "matchLabels" (include "oss-serve.selectorLabels" $ | fromYaml)) }}
  {{- end }}
  {{- $withSelector = append $withSelector $c }}
  {{- end }}
  topologySpreadConstraints:
    {{- toYaml $withSelector | nindent 4 }}
  {{- end }}
{{- end }}
