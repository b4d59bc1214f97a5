{{/* Chart name, cut to leave room for suffixes such as "-redis". */}}
{{- define "hiqty.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" }}
{{- end }}

{{- define "hiqty.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hiqty.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hiqty.labels" -}}
helm.sh/chart: {{ include "hiqty.chart" . }}
{{ include "hiqty.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "hiqty.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hiqty.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: bot
{{- end }}

{{- define "hiqty.redis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hiqty.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end }}

{{- define "hiqty.redis.fullname" -}}
{{- printf "%s-redis" (include "hiqty.fullname" .) }}
{{- end }}

{{/* The bundled Redis's headless Service: it gives each pod of the StatefulSet a stable DNS name. */}}
{{- define "hiqty.redis.headless" -}}
{{- printf "%s-headless" (include "hiqty.redis.fullname" .) }}
{{- end }}

{{/* The domain under which each bundled Redis pod is <pod>.<this>: what the pods announce and hiqty resolves. */}}
{{- define "hiqty.redis.headlessDomain" -}}
{{- printf "%s.%s.svc.%s" (include "hiqty.redis.headless" .) .Release.Namespace .Values.redis.bundled.sentinel.clusterDomain }}
{{- end }}

{{/* "true" when the chart runs the bundled Redis with Sentinels. */}}
{{- define "hiqty.redis.bundledSentinel" -}}
{{- if and .Values.redis.bundled.enabled (eq .Values.redis.bundled.mode "sentinel") }}true{{ end }}
{{- end }}

{{/* REDIS_SENTINELS for the bundled Sentinels: every pod's name, port 26379. */}}
{{- define "hiqty.redis.bundledSentinels" -}}
{{- $names := list }}
{{- range $i := until (int .Values.redis.bundled.sentinel.replicas) }}
{{- $names = append $names (printf "%s-%d.%s:26379" (include "hiqty.redis.fullname" $) $i (include "hiqty.redis.headlessDomain" $)) }}
{{- end }}
{{- join "," $names }}
{{- end }}

{{/* Where REDIS_TLS_CA_FILE points when redis.external.tls.ca names a Secret or a ConfigMap. */}}
{{- define "hiqty.redis.caDir" -}}
/etc/hiqty/redis-ca
{{- end }}

{{- define "hiqty.redis.hasCa" -}}
{{- $ca := .Values.redis.external.tls.ca }}
{{- if and (not .Values.redis.bundled.enabled) (or $ca.secretName $ca.configMapName) }}true{{ end }}
{{- end }}

{{- define "hiqty.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hiqty.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hiqty.secretName" -}}
{{- default (include "hiqty.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "hiqty.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The drain must end before the kubelet's SIGKILL: it gets the grace period less a margin for checkpointing,
releasing leases and closing connections.
*/}}
{{- define "hiqty.drainTimeoutMs" -}}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- $margin := int .Values.drain.marginSeconds }}
{{- if ge $margin $grace }}
{{- fail (printf "drain.marginSeconds (%d) must be below terminationGracePeriodSeconds (%d)" $margin $grace) }}
{{- end }}
{{- mul (sub $grace $margin) 1000 }}
{{- end }}

{{/* The bundled Redis password: the values' one, else the one already in the cluster, else a new one. */}}
{{- define "hiqty.redis.password" -}}
{{- if .Values.redis.bundled.password }}
{{- .Values.redis.bundled.password }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "hiqty.fullname" .) }}
{{- $key := .Values.secrets.keys.redisPassword }}
{{- if and $existing (hasKey $existing.data $key) }}
{{- index $existing.data $key | b64dec }}
{{- else }}
{{- randAlphaNum 32 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hiqty.validate" -}}
{{- $x := .Values.redis.external }}
{{- if and (not .Values.redis.bundled.enabled) (not $x.url) (not $x.sentinels) (not .Values.secrets.existingSecret) }}
{{- fail "redis: enable redis.bundled, or set redis.external.url or redis.external.sentinels, or put the URL in secrets.existingSecret under secrets.keys.redisUrl" }}
{{- end }}
{{- if and .Values.redis.bundled.enabled (or $x.url $x.sentinels) }}
{{- fail "redis: set either redis.bundled.enabled or redis.external (url or sentinels), not both" }}
{{- end }}
{{- if and .Values.secrets.existingSecret (or .Values.discord.token $x.url $x.password $x.sentinelPassword .Values.redis.bundled.password .Values.dashboard.clientSecret) }}
{{- fail "secrets.existingSecret is set: put the token, the Redis passwords or URL and the dashboard's client secret in that Secret, not in values" }}
{{- end }}
{{- if and (not $x.sentinels) (or $x.username $x.password $x.sentinelPassword $x.tls.enabled) }}
{{- fail "redis.external: username, password, sentinelPassword and tls.enabled go with redis.external.sentinels; a URL carries its user and password itself, and rediss:// turns TLS on" }}
{{- end }}
{{- /* hiqty refuses a CA file on a connection without TLS (exit 2): say so here instead. */}}
{{- if or $x.tls.ca.secretName $x.tls.ca.configMapName }}
{{- if .Values.redis.bundled.enabled }}
{{- fail "redis.external.tls.ca is for your own Redis: the bundled one speaks plain TCP inside the cluster" }}
{{- end }}
{{- if and $x.sentinels (not $x.tls.enabled) }}
{{- fail "redis.external.tls.ca is set but the Sentinel connection is not TLS: set redis.external.tls.enabled=true" }}
{{- end }}
{{- if and $x.url (not (hasPrefix "rediss://" $x.url)) }}
{{- fail "redis.external.tls.ca is set but redis.external.url is redis://: write it as rediss://... for TLS" }}
{{- end }}
{{- end }}
{{- include "hiqty.dashboard.validate" . }}
{{- end }}

{{/* The schema checks the url's and clientId's form and presence; these are the rules across values. */}}
{{- define "hiqty.dashboard.validate" -}}
{{- $d := .Values.dashboard }}
{{- if $d.enabled }}
{{- if not (or .Values.discord.token .Values.secrets.existingSecret) }}
{{- fail "dashboard.enabled: the dashboard logs in through a real Discord application, so set discord.token (or secrets.existingSecret); without a token the pods run the sandbox, whose login page is not reachable from a browser" }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (not $d.clientSecret) }}
{{- fail "dashboard.enabled: set dashboard.clientSecret (the Discord application's OAuth2 client secret), or put it in secrets.existingSecret under secrets.keys.discordClientSecret" }}
{{- end }}
{{- end }}
{{- if $d.ingress.enabled }}
{{- if not $d.enabled }}
{{- fail "dashboard.ingress.enabled needs dashboard.enabled (the Ingress routes only /dashboard)" }}
{{- end }}
{{- if regexMatch "^[0-9.]+$|:" (include "hiqty.dashboard.host" .) }}
{{- fail (printf "dashboard.ingress: an Ingress host cannot be an IP address (%s); use a DNS name in dashboard.url or set dashboard.ingress.host" (include "hiqty.dashboard.host" .)) }}
{{- end }}
{{- if and .Values.networkPolicy.enabled .Values.networkPolicy.ingressFrom (not .Values.networkPolicy.ingressControllerFrom) }}
{{- fail "dashboard.ingress.enabled with networkPolicy.ingressFrom set: also set networkPolicy.ingressControllerFrom to your Ingress controller's pods, or the NetworkPolicy keeps them from the dashboard" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The Ingress host: dashboard.ingress.host, else the host of dashboard.url (without its port). */}}
{{- define "hiqty.dashboard.host" -}}
{{- default (urlParse .Values.dashboard.url).hostname .Values.dashboard.ingress.host }}
{{- end }}

{{/* Where Discord sends the browser back: the one redirect URI to register in the application. */}}
{{- define "hiqty.dashboard.redirectUri" -}}
{{- printf "%s/dashboard/callback" .Values.dashboard.url }}
{{- end }}

{{/*
The bundled Redis's configuration, the same in both modes. Append-only persistence keeps the queues through a
restart; hiqty's keyspace source needs the notifications below and would otherwise try CONFIG SET at every connect
(and after every failover: replicas carry the setting too, so a promoted one has it).
*/}}
{{- define "hiqty.redis.conf" -}}
dir /data
appendonly yes
appendfsync {{ .Values.redis.bundled.appendfsync }}
notify-keyspace-events K$lgxh
protected-mode no
save ""
{{- end }}

{{- define "hiqty.redis.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end }}

{{/* The environment of the bundled Sentinel mode's start scripts (both containers). Takes root and quorum. */}}
{{- define "hiqty.redis.sentinelEnv" -}}
{{- $ := .root }}
{{- $s := $.Values.redis.bundled.sentinel }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: STATEFULSET
  value: {{ include "hiqty.redis.fullname" $ | quote }}
- name: HEADLESS_DOMAIN
  value: {{ include "hiqty.redis.headlessDomain" $ | quote }}
- name: REPLICAS
  value: {{ $s.replicas | quote }}
- name: QUORUM
  value: {{ .quorum | quote }}
- name: SENTINEL_NAME
  value: {{ $s.name | quote }}
- name: DOWN_AFTER_MS
  value: {{ $s.downAfterMilliseconds | quote }}
- name: FAILOVER_TIMEOUT_MS
  value: {{ $s.failoverTimeoutMilliseconds | quote }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "hiqty.secretName" $ }}
      key: {{ $.Values.secrets.keys.redisPassword }}
{{- end }}

{{/*
hiqty's Redis settings (see the README's configuration table). REDIS_URL and REDIS_PASSWORD together are a
configuration error, so the standalone mode passes its password under another name, only to build the URL.
*/}}
{{- define "hiqty.redis.env" -}}
{{- $secret := include "hiqty.secretName" . }}
{{- $keys := .Values.secrets.keys }}
{{- $x := .Values.redis.external }}
{{- if include "hiqty.redis.bundledSentinel" . }}
- name: REDIS_SENTINELS
  value: {{ include "hiqty.redis.bundledSentinels" . | quote }}
- name: REDIS_SENTINEL_NAME
  value: {{ .Values.redis.bundled.sentinel.name | quote }}
# The bundled Sentinels take the nodes' password as their own.
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisPassword }}
- name: REDIS_SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisPassword }}
{{- else if .Values.redis.bundled.enabled }}
- name: BUNDLED_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisPassword }}
- name: REDIS_URL
  value: "redis://:$(BUNDLED_REDIS_PASSWORD)@{{ include "hiqty.redis.fullname" . }}:6379/0"
{{- else if $x.sentinels }}
- name: REDIS_SENTINELS
  value: {{ join "," $x.sentinels | quote }}
- name: REDIS_SENTINEL_NAME
  value: {{ $x.sentinelName | quote }}
{{- with $x.username }}
- name: REDIS_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- /* From values, the key exists exactly when the password is set; an existingSecret may go without either. */}}
{{- if or $x.password .Values.secrets.existingSecret }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisPassword }}
      optional: {{ not $x.password }}
{{- end }}
{{- if or $x.sentinelPassword .Values.secrets.existingSecret }}
- name: REDIS_SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisSentinelPassword }}
      optional: {{ not $x.sentinelPassword }}
{{- end }}
{{- if $x.tls.enabled }}
- name: REDIS_TLS
  value: "true"
{{- end }}
{{- else }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $keys.redisUrl }}
{{- end }}
{{- if include "hiqty.redis.hasCa" . }}
- name: REDIS_TLS_CA_FILE
  value: {{ printf "%s/%s" (include "hiqty.redis.caDir" .) $x.tls.ca.key | quote }}
{{- end }}
{{- end }}
