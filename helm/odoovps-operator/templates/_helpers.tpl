{{/* Name of the chart. */}}
{{- define "odoovps.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, suffixed with the chart name unless it contains it. */}}
{{- define "odoovps.fullname" -}}
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

{{/* Labels of every object. */}}
{{- define "odoovps.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "odoovps.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the operator pods. */}}
{{- define "odoovps.selectorLabels" -}}
app.kubernetes.io/name: {{ include "odoovps.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "odoovps.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "odoovps.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image; the backup pods run the same one. */}}
{{- define "odoovps.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- with .Values.image.digest }}@{{ . }}{{ end }}
{{- end }}

{{/* The Secret that holds the mail password, webhook token and Prometheus token. */}}
{{- define "odoovps.secretName" -}}
{{- default (include "odoovps.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The namespace of the restore ledger: config.restore.ledgerNamespace, else the release's. */}}
{{- define "odoovps.ledgerNamespace" -}}
{{- default .Release.Namespace .Values.config.restore.ledgerNamespace }}
{{- end }}

{{/* The ClusterRole of the backup pods, which the operator binds per BackupPolicy. */}}
{{- define "odoovps.backupClusterRole" -}}
{{- printf "%s-backup" (include "odoovps.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The user name of the operator's ServiceAccount, as admission sees its requests. */}}
{{- define "odoovps.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "odoovps.serviceAccountName" .) }}
{{- end }}
