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
{{- if and (not .Values.redis.bundled.enabled) (not .Values.redis.external.url) (not .Values.secrets.existingSecret) }}
{{- fail "redis: enable redis.bundled, or set redis.external.url, or put the URL in secrets.existingSecret under secrets.keys.redisUrl" }}
{{- end }}
{{- if and .Values.redis.bundled.enabled .Values.redis.external.url }}
{{- fail "redis: set either redis.bundled.enabled or redis.external.url, not both" }}
{{- end }}
{{- if and .Values.secrets.existingSecret (or .Values.discord.token .Values.redis.external.url .Values.redis.bundled.password .Values.dashboard.clientSecret) }}
{{- fail "secrets.existingSecret is set: put the token, the Redis password or URL and the dashboard's client secret in that Secret, not in values" }}
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
