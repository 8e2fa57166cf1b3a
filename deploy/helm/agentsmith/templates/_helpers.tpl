{{/*
Object names are fixed, not prefixed with the release name: the agent Jobs reach Redis as
`redis:6379` (their container argument), the admission policy admits only the ServiceAccount
`agentsmith-dispatcher` and reads the ConfigMap `agentsmith-admission`, and the NetworkPolicies
select Pods by these names. So one release per namespace.
*/}}

{{- define "agentsmith.chart" -}}
{{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Labels of every object; selectors use only app.kubernetes.io/name, as in deploy/k8s. */}}
{{- define "agentsmith.labels" -}}
app.kubernetes.io/part-of: agentsmith
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ include "agentsmith.chart" . }}
{{- end }}

{{/* The Secret the dispatcher (and in-chart Redis) read: an existing one, or the chart's. */}}
{{- define "agentsmith.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{ .Values.secret.existingSecret }}
{{- else -}}
agentsmith-secrets
{{- end -}}
{{- end }}

{{- define "agentsmith.configMapName" -}}
{{- if .Values.config.existingConfigMap -}}
{{ .Values.config.existingConfigMap }}
{{- else -}}
agentsmith-config
{{- end -}}
{{- end }}

{{/* "repository:tag", or "repository@digest" when a digest is given. */}}
{{- define "agentsmith.image" -}}
{{- if .digest -}}
{{ .repository }}@{{ .digest }}
{{- else -}}
{{ .repository }}:{{ .tag }}
{{- end -}}
{{- end }}

{{/* True ("true") when the external Redis host is an IPv4 address. */}}
{{- define "agentsmith.redisHostIsIP" -}}
{{- if regexMatch "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$" .Values.redis.external.host -}}true{{- end -}}
{{- end }}

{{/*
"true" when the IPv4 range (a.b.c.d/n) holds 169.254.169.254, the cloud metadata address every
agent NetworkPolicy rule must leave out: both addresses divided by 2^(32-n) fall in one block.
*/}}
{{- define "agentsmith.cidrHoldsMetadataAddress" -}}
{{- $parts := splitList "/" . -}}
{{- $octets := splitList "." (first $parts) -}}
{{- $address := 0 -}}
{{- range $octets }}{{ $address = add (mul $address 256) (atoi .) }}{{ end -}}
{{- $block := 1 -}}
{{- range until (sub 32 (atoi (last $parts)) | int) }}{{ $block = mul $block 2 }}{{ end -}}
{{- $metadata := add (mul 169 16777216) (mul 254 65536) (mul 169 256) 254 -}}
{{- if eq (div $address $block) (div $metadata $block) }}true{{ end -}}
{{- end }}

{{/*
Refuses value combinations that render valid YAML but a broken installation, each with what to
change. Called from every template that depends on them (Helm renders a `fail` once).
*/}}
{{- define "agentsmith.validate" -}}
{{- $v := .Values -}}
{{- if and (not $v.redis.enabled) (not $v.redis.external.host) -}}
{{- fail "redis.enabled is false but redis.external.host is empty: set redis.external.host to your Redis (agents still use redis:6379 through the chart's Service `redis`), or set redis.enabled=true" -}}
{{- end -}}
{{- if and (not $v.redis.enabled) (not (include "agentsmith.redisHostIsIP" .)) (ne (int $v.redis.external.port) 6379) -}}
{{- fail (printf "redis.external.port is %d but redis.external.host %q is a DNS name: an ExternalName Service cannot change the port, and agents connect to redis:6379. Use port 6379, or give the Redis server's IP address as redis.external.host" (int $v.redis.external.port) $v.redis.external.host) -}}
{{- end -}}
{{- if and (not $v.redis.enabled) $v.networkPolicy.enabled (not $v.redis.external.egressCIDR) (not (include "agentsmith.redisHostIsIP" .)) -}}
{{- fail "redis.external.egressCIDR is empty: with an external Redis named by DNS, the agents' NetworkPolicy needs its address range (e.g. 10.0.5.7/32) to let agents reach it" -}}
{{- end -}}
{{- $cidr := $v.redis.external.egressCIDR -}}
{{- if and (not $v.redis.enabled) (not $cidr) (include "agentsmith.redisHostIsIP" .) -}}
{{- $cidr = printf "%s/32" $v.redis.external.host -}}
{{- end -}}
{{- if and (not $v.redis.enabled) $cidr (include "agentsmith.cidrHoldsMetadataAddress" $cidr) -}}
{{- fail (printf "the agents' Redis address range %s holds the cloud metadata address 169.254.169.254, which agents must never reach: give the Redis server's own range in redis.external.egressCIDR (e.g. its address/32)" $cidr) -}}
{{- end -}}
{{- $setByTheChart := dict "SPAWNER_TYPE" "the chart (kubernetes)" "REDIS_URL" "the chart (redis:6379; see redis.external)" "AGENTSMITH_IMAGE" "agent.image" "AGENTSMITH_CONFIG" "config.agentsmith" "K8S_NAMESPACE" "the release namespace" "K8S_SECRET_NAME" "secret.existingSecret" "IMAGE_PULL_POLICY" "agent.pullPolicy" "JOB_MAX_DURATION" "agent.maxDuration" "BROKER_PORT" "the chart (8081)" "BROKER_URL" "the chart (the Service agentsmith-broker)" "OPS_PORT" "the chart (9090)" "AGENT_MEMORY" "agent.memory" "AGENT_CPUS" "agent.cpus" "JOBS_PAGE_URL" "jobsPage.url" -}}
{{- range $name, $source := $setByTheChart -}}
{{- if hasKey $v.dispatcher.extraEnv $name -}}
{{- fail (printf "dispatcher.extraEnv.%s: the chart sets %s from %s; set that instead" $name $name $source) -}}
{{- end -}}
{{- end -}}
{{- if not (regexMatch $v.admission.agentImagePattern $v.agent.image) -}}
{{- fail (printf "agent.image %q does not match admission.agentImagePattern %q: the admission policy would refuse every agent Job. Change one of them (give a pattern in a values file: --set drops its backslashes)" $v.agent.image $v.admission.agentImagePattern) -}}
{{- end -}}
{{- if and $v.secret.existingSecret $v.secret.create -}}
{{- fail (printf "secret.existingSecret is %q and secret.create is true: choose one (secret.create=false to use your Secret)" $v.secret.existingSecret) -}}
{{- end -}}
{{- if and (not $v.secret.existingSecret) (not $v.secret.create) -}}
{{- fail "no Secret: set secret.existingSecret to the name of yours (kubectl create secret generic … --from-env-file=.env), or secret.create=true with secret.values" -}}
{{- end -}}
{{- if $v.secret.create -}}
{{- $s := $v.secret.values -}}
{{- if and (eq $v.slack.mode "socket") (not $s.SLACK_APP_TOKEN) -}}
{{- fail "slack.mode is socket but secret.values.SLACK_APP_TOKEN is empty: Socket Mode needs the app-level token (xapp-…, scope connections:write)" -}}
{{- end -}}
{{- if and (eq $v.slack.mode "http") (not $s.SLACK_SIGNING_SECRET) -}}
{{- fail "slack.mode is http but secret.values.SLACK_SIGNING_SECRET is empty: HTTP mode refuses unsigned requests (Slack app → Basic Information → Signing Secret)" -}}
{{- end -}}
{{- if and (eq $v.slack.mode "http") $s.SLACK_APP_TOKEN -}}
{{- fail "slack.mode is http but secret.values.SLACK_APP_TOKEN is set, which makes the dispatcher use Socket Mode: remove it, or set slack.mode=socket" -}}
{{- end -}}
{{- if and $v.redis.enabled (not $s.REDIS_PASSWORD) -}}
{{- fail "secret.values.REDIS_PASSWORD is empty: the in-chart Redis requires a password (e.g. openssl rand -hex 32)" -}}
{{- end -}}
{{- if and $s.JOBS_PAGE_TOKEN (lt (len $s.JOBS_PAGE_TOKEN) 32) -}}
{{- fail "secret.values.JOBS_PAGE_TOKEN is shorter than 32 characters: use a long random token (openssl rand -hex 32)" -}}
{{- end -}}
{{- if and (or $s.SLACK_CLIENT_ID $s.SLACK_CLIENT_SECRET) (not (and $s.SLACK_CLIENT_ID $s.SLACK_CLIENT_SECRET)) -}}
{{- fail "Sign in with Slack on the jobs page needs both secret.values.SLACK_CLIENT_ID and SLACK_CLIENT_SECRET" -}}
{{- end -}}
{{- if and $s.SLACK_CLIENT_ID (not $v.jobsPage.url) -}}
{{- fail "Sign in with Slack needs jobsPage.url, the dispatcher's public base URL (the redirect is <url>/jobs/auth/callback)" -}}
{{- end -}}
{{- end -}}
{{- if and $v.ingress.enabled (eq $v.slack.mode "socket") (not $v.jobsPage.enabled) -}}
{{- fail "ingress.enabled with slack.mode=socket exposes nothing: Socket Mode needs no inbound route. Disable the ingress, or set jobsPage.enabled=true to publish /jobs" -}}
{{- end -}}
{{- end }}
