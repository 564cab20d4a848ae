{{/* Release-scoped name of every object the chart creates (63 characters at most). */}}
{{- define "twinlog.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on everything the chart creates, without the component. */}}
{{- define "twinlog.commonLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: twinlog
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "twinlog.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* The operator's own objects. */}}
{{- define "twinlog.labels" -}}
{{ include "twinlog.commonLabels" . }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "twinlog.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "twinlog.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository[:tag][@digest]; the tag defaults to the chart's appVersion. */}}
{{- define "twinlog.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Leader election is needed as soon as two operator pods could reconcile at once. */}}
{{- define "twinlog.leaderElection" -}}
{{- if gt (int .Values.replicas) 1 -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{- define "twinlog.leaseName" -}}
{{- default (printf "%s-leader" (include "twinlog.fullname" .)) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/* The namespaces whose CdcPipelines the operator reconciles; empty means all. */}}
{{- define "twinlog.watchNamespaces" -}}
{{- if eq .Values.watch.mode "namespaces" -}}{{ join "," .Values.watch.namespaces }}{{- end -}}
{{- end -}}

{{/*
What the operator puts on each pipeline's dedup runtime pods (operator: desired.Labels.dedupPods,
Labels.PIPELINE, DedupWorkload.METRICS_PORT_NAME). MonitoringTest and NetworkPoliciesTest keep
these in step with the code.
*/}}
{{- define "twinlog.dedupPodSelector" -}}
app.kubernetes.io/name: twinlog
app.kubernetes.io/component: dedup
{{- end -}}

{{- define "twinlog.pipelineLabel" -}}
twinlog.io/pipeline
{{- end -}}

{{- define "twinlog.dedupMetricsPortName" -}}
metrics
{{- end -}}

{{/* Egress rule to DNS (UDP and TCP on each port), shared by the operator's and the dedup pods' policies. */}}
{{- define "twinlog.networkPolicy.dnsEgress" -}}
{{- $dns := .Values.networkPolicies.dns -}}
- ports:
    {{- range $dns.ports }}
    - protocol: UDP
      port: {{ . }}
    - protocol: TCP
      port: {{ . }}
    {{- end }}
  {{- with $dns.peers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/*
Egress rule to Kafka: the Strimzi broker pods in networkPolicies.kafka.namespaces (any namespace when
empty) plus kafka.extraPeers. After bootstrapping, clients connect to each broker directly on the
same listener port, so every broker pod is a peer.
*/}}
{{- define "twinlog.networkPolicy.kafkaEgress" -}}
{{- $kafka := .Values.networkPolicies.kafka -}}
- ports:
    {{- range $kafka.ports }}
    - protocol: TCP
      port: {{ . }}
    {{- end }}
  to:
    {{- include "twinlog.networkPolicy.strimziPeers" (dict "namespaces" $kafka.namespaces "kind" "Kafka") | trim | nindent 4 }}
    {{- with $kafka.extraPeers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* Peers: the pods of one Strimzi kind in each listed namespace, or in any namespace. */}}
{{- define "twinlog.networkPolicy.strimziPeers" -}}
{{- if .namespaces }}
{{- range .namespaces }}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ . }}
  podSelector:
    matchLabels:
      strimzi.io/kind: {{ $.kind }}
{{- end }}
{{- else }}
- namespaceSelector: {}
  podSelector:
    matchLabels:
      strimzi.io/kind: {{ .kind }}
{{- end }}
{{- end -}}
