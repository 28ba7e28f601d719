#!/bin/sh
# collect.sh SERVICE CLUSTER [DIR]: fetch, with the AWS CLI, what
# `ecsim import` needs to model one ECS service, into DIR (default
# ecs-SERVICE), then print the `ecsim import` command to run next.
#
# It asks ecsim which objects DIR still lacks (`ecsim import DIR --service
# SERVICE --cluster CLUSTER --next-commands`), runs the `aws ...` commands
# printed, and repeats (at most 10 rounds) until nothing is missing or a
# round fetches nothing new: describe-services and describe-clusters
# first, then the task definition, target groups (and their attributes,
# load balancers), capacity providers, Auto Scaling groups, launch
# template versions, the service's Application Auto Scaling target,
# policies, scheduled actions and step alarms. Once the configuration is
# complete, one get-metric-data call fetches the last day, per minute
# (Period 60 s), of the target group's RequestCount (AWS/ApplicationELB,
# Sum), the service's CPUUtilization and MemoryUtilization (AWS/ECS,
# Average) and RunningTaskCount (ECS/ContainerInsights, Average). When the
# service has a load balancer, its attributes are fetched too
# (describe-load-balancer-attributes), and if they say it writes access
# logs to S3, one `aws s3 cp s3://BUCKET/PREFIX/AWSLogs/ACCOUNT/
# elasticloadbalancing/REGION/YYYY/MM/DD/ DIR/alb-logs/ --recursive` per
# UTC day of the same window copies them. `ecsim import DIR` then
# calibrates the service's workload from those logs and metrics.
#
# Needs the AWS CLI with credentials and region set (AWS_PROFILE,
# AWS_REGION, ...), and no JSON tool: ecsim reads the JSON. Environment:
#   ECSIM       the ecsim binary (default: ecsim on PATH)
#   START_TIME  END_TIME  the metrics' window, ISO 8601 (default: the
#               last 24 hours, from GNU or BSD date)
# Each command line ecsim prints is `aws ARG... > FILE`, every argument
# that is not a plain word in single quotes (a launch template version
# '$Default', the metric queries' JSON); the line is split with the
# shell's own quoting rules, only `aws` is run, and its output goes to
# FILE.tmp, renamed to FILE when the command succeeds. The `aws s3 cp`
# lines have no `> FILE`: they write DIR/alb-logs/ themselves and run once
# per collect.sh run (ecsim asks again only for days with no log there).
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 SERVICE CLUSTER [DIR]" >&2
  exit 2
fi
service=$1
cluster=$2
dir=${3:-ecs-$service}
ecsim=${ECSIM:-ecsim}

minute_ago() { # $1: minutes before now, as ISO 8601 UTC
  date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M:00Z 2>/dev/null ||
    date -u -v-"$1"M +%Y-%m-%dT%H:%M:00Z
}
end=${END_TIME:-$(minute_ago 0)}
start=${START_TIME:-$(minute_ago 1440)}

mkdir -p "$dir"

nl='
'
copied=$nl # the `aws s3 cp` lines run so far, one per line

# Runs one `aws s3 cp ...` line (no redirection); returns 1 when it ran
# in an earlier round (a day with no logs is asked for again).
run_copy() {
  case $copied in *"$nl$1$nl"*) return 1 ;; esac
  copied=$copied$1$nl
  eval "set -- $1"
  if [ "$1" != aws ]; then
    echo "collect.sh: not an aws command, not run: $*" >&2
    exit 1
  fi
  echo "+ $*" >&2
  if ! "$@" >&2; then
    echo "collect.sh: failed: $*" >&2
    exit 1
  fi
}

# Runs one `aws ... > FILE` line; returns 1 when FILE is already there
# (fetched in an earlier round: running it again would bring nothing).
run_line() {
  case $1 in
    *' > '*) ;;
    *) run_copy "$1"; return ;;
  esac
  cmd=${1% > *}
  out=${1##* > }
  eval "out=$out"
  [ -e "$out" ] && return 1
  eval "set -- $cmd"
  if [ "$1" != aws ]; then
    echo "collect.sh: not an aws command, not run: $cmd" >&2
    exit 1
  fi
  echo "+ $cmd > $out" >&2
  if ! "$@" > "$out.tmp"; then
    rm -f "$out.tmp"
    echo "collect.sh: failed: $cmd" >&2
    exit 1
  fi
  mv "$out.tmp" "$out"
}

set -f # the words of a command are never file patterns
round=0
while [ "$round" -lt 10 ]; do
  round=$((round + 1))
  cmds=$("$ecsim" import "$dir" --service "$service" --cluster "$cluster" \
           --start-time "$start" --end-time "$end" --next-commands)
  [ -n "$cmds" ] || break
  ran=0
  while IFS= read -r line; do
    if run_line "$line"; then ran=$((ran + 1)); fi
  done <<LINES
$cmds
LINES
  [ "$ran" -gt 0 ] || break
done

echo "Fetched into $dir. Next:"
echo "  $ecsim import $dir --service $service --cluster $cluster -o $service.json"
