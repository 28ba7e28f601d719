#!/bin/sh
# The scaling benchmark (issue 20, "cost that grows faster than the
# work"): generates scenarios of growing size and prints the wall and CPU
# time ecsim takes, with the ratio to the size before (2.0 is linear,
# 4.0 quadratic at each doubling):
#   - 2,500 / 5,000 / 10,000 tasks started cold, 30 minutes simulated:
#     one EC2 service (m5.4xlarge instances, 16 tasks each, behind a load
#     balancer), one Fargate service at 2,000 requests/s (10 minutes), and
#     eight services (four EC2, four FARGATE/FARGATE_SPOT);
#   - 2,500 / 5,000 / 10,000 tasks stopped at once: a service of N + 100
#     warm tasks set to 100 (a `set_desired` fault) stops N in one
#     scheduler pass, on Fargate (three AZs) and on EC2 (m5.4xlarge,
#     spread by AZ, then binpack cpu);
#   - `ecsim validate` of 1,000 / 2,000 / 4,000 task definitions (families
#     of 10 revisions, none numbered).
# CPU time is the steadier figure on a shared machine.
# Usage: bench-scale.sh ECSIM
set -eu
ecsim=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-bench-scale-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# ec2 N: one EC2 service of N tasks started cold.
ec2() {
  inst=$((($1 + 15) / 16))
  cat <<EOF
{"name": "cold-ec2-$1", "seed": 1, "duration": "30m", "period": "1m",
 "ignore_warnings": ["errors_over_budget"],
 "cluster": {"start_warm": false, "auto_scaling_groups": [{"name": "m5",
   "instance_type": "m5.4xlarge", "min": $inst, "max": $inst,
   "desired": $inst, "launch_time": "60s"}]},
 "taskDefinitions": [{"family": "web", "networkMode": "bridge",
   "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "web",
   "image": "x/web:1", "cpu": 1024, "memory": 2048,
   "portMappings": [{"containerPort": 80, "hostPort": 0}]}]}],
 "targetGroups": [{"TargetGroupName": "tg", "HealthCheckIntervalSeconds": 15,
   "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 3}],
 "services": [{"serviceName": "web", "taskDefinition": "web",
   "desiredCount": $1, "launchType": "EC2",
   "loadBalancers": [{"targetGroupName": "tg", "containerName": "web",
     "containerPort": 80}],
   "workload": {"traffic": {"generator": "constant", "rps": 10},
     "service_time": {"dist": "exponential", "mean": "10ms"},
     "concurrency_per_vcpu": 8}}]}
EOF
}

# fargate N: one Fargate service of N tasks at 2,000 requests/s.
fargate() {
  cat <<EOF
{"name": "cold-fargate-$1", "seed": 1, "duration": "10m", "period": "1m",
 "ignore_warnings": ["errors_over_budget"],
 "taskDefinitions": [{"family": "web", "networkMode": "awsvpc",
   "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
   "containerDefinitions": [{"name": "web", "image": "x/web:1",
   "portMappings": [{"containerPort": 80}]}]}],
 "targetGroups": [{"TargetGroupName": "tg", "HealthCheckIntervalSeconds": 15,
   "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 3}],
 "services": [{"serviceName": "web", "taskDefinition": "web",
   "desiredCount": $1, "launchType": "FARGATE",
   "loadBalancers": [{"targetGroupName": "tg", "containerName": "web",
     "containerPort": 80}],
   "workload": {"traffic": {"generator": "constant", "rps": 2000},
     "service_time": {"dist": "exponential", "mean": "10ms"},
     "concurrency_per_vcpu": 8}}]}
EOF
}

# multi N: N tasks over eight services, four on EC2 (spread by AZ, then
# binpack) and four on FARGATE (base 2) / FARGATE_SPOT (weight 3).
multi() {
  per=$(($1 / 8))
  inst=$((($1 + 15) / 16))
  printf '{"name": "cold-multi-%s", "seed": 1, "duration": "30m",' "$1"
  printf ' "period": "1m", "ignore_warnings": ["errors_over_budget"],\n'
  printf ' "cluster": {"start_warm": false, "auto_scaling_groups": [{"name": "m5", "instance_type": "m5.4xlarge", "min": %s, "max": %s, "desired": %s, "launch_time": "60s"}]},\n' \
    "$inst" "$inst" "$inst"
  printf ' "taskDefinitions": [{"family": "web", "networkMode": "bridge", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "web", "image": "x/web:1", "cpu": 1024, "memory": 2048, "portMappings": [{"containerPort": 80, "hostPort": 0}]}]},\n'
  printf '  {"family": "fg", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "x/web:1"}]}],\n'
  printf ' "services": ['
  for i in 1 2 3 4 5 6 7 8; do
    [ "$i" -gt 1 ] && printf ','
    if [ "$i" -le 4 ]; then
      printf '\n  {"serviceName": "s%s", "taskDefinition": "web", "desiredCount": %s, "launchType": "EC2", "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]' "$i" "$per"
    else
      printf '\n  {"serviceName": "s%s", "taskDefinition": "fg", "desiredCount": %s, "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}]' "$i" "$per"
    fi
    printf ', "workload": {"traffic": {"generator": "constant", "rps": 5}, "service_time": {"dist": "exponential", "mean": "10ms"}, "concurrency_per_vcpu": 8}}'
  done
  printf ']}\n'
}

# scalein KIND N: a warm service of N + 100 tasks on KIND (fargate or ec2)
# set to 100 tasks at 2 minutes, so that one pass stops N of them.
scalein() {
  total=$(($2 + 100))
  if [ "$1" = fargate ]; then
    cluster='{}'
    def='{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "x/web:1"}]}'
    placement='"launchType": "FARGATE"'
  else
    inst=$((($total + 15) / 16))
    cluster="{\"auto_scaling_groups\": [{\"name\": \"m5\", \"instance_type\": \"m5.4xlarge\", \"min\": $inst, \"max\": $inst, \"desired\": $inst}]}"
    def='{"family": "web", "networkMode": "bridge", "requiresCompatibilities": ["EC2"], "containerDefinitions": [{"name": "web", "image": "x/web:1", "cpu": 1024, "memory": 2048}]}'
    placement='"launchType": "EC2", "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]'
  fi
  cat <<EOF
{"name": "scale-in-$1-$2", "seed": 1, "duration": "5m", "period": "1m",
 "ignore_warnings": ["no_traffic"], "cluster": $cluster,
 "taskDefinitions": [$def],
 "services": [{"serviceName": "web", "taskDefinition": "web",
   "desiredCount": $total, $placement}],
 "faults": [{"at": "2m", "kind": "set_desired", "service": "web",
   "desiredCount": 100}]}
EOF
}

# taskdefs N: N task definitions, N/10 families of 10 revisions.
taskdefs() {
  printf '{"name": "taskdefs-%s", "duration": "10m",' "$1"
  printf ' "ignore_warnings": ["no_traffic"], "taskDefinitions": ['
  i=0
  while [ "$i" -lt "$1" ]; do
    [ "$i" -gt 0 ] && printf ','
    printf '\n {"family": "app%d", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "x/app:%d", "portMappings": [{"containerPort": 8080}], "environment": [{"name": "MODE", "value": "prod"}]}]}' \
      $((i % ($1 / 10))) "$i"
    i=$((i + 1))
  done
  printf '],\n "services": [{"serviceName": "web", "taskDefinition": "app0", "desiredCount": 1, "launchType": "FARGATE"}]}\n'
}

# measure LABEL N PREV_CPU CMD...: runs CMD, prints wall and CPU seconds
# and the CPU ratio to PREV_CPU; leaves the CPU seconds in $cpu.
measure() {
  label=$1
  n=$2
  prev=$3
  shift 3
  /usr/bin/env time -f '%e %U %S' -o "$tmp/time" "$@" >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; exit 1; }
  set -- $(cat "$tmp/time")
  cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
  awk -v l="$label" -v n="$n" -v w="$1" -v c="$cpu" -v p="$prev" 'BEGIN {
    r = (p > 0 && c > 0) ? sprintf("x%.1f", c / p) : "";
    printf "%-26s %6d %8.2f s wall %7.2f s CPU  %s\n", l, n, w, c, r }'
}

echo "what                            n     wall          CPU  (CPU ratio to the n before)"
for kind in ec2 fargate multi; do
  cpu=0
  for n in 2500 5000 10000; do
    "$kind" "$n" >"$tmp/$kind-$n.json"
    measure "cold start: $kind" "$n" "$cpu" \
      "$ecsim" run "$tmp/$kind-$n.json" -o "$tmp/out-$kind-$n" -q
  done
done
for kind in fargate ec2; do
  cpu=0
  for n in 2500 5000 10000; do
    scalein "$kind" "$n" >"$tmp/scale-in-$kind-$n.json"
    measure "stop N at once: $kind" "$n" "$cpu" \
      "$ecsim" run "$tmp/scale-in-$kind-$n.json" -o "$tmp/out-scale-in-$kind-$n" -q
  done
done
cpu=0
for n in 1000 2000 4000; do
  taskdefs "$n" >"$tmp/taskdefs-$n.json"
  measure "validate: task definitions" "$n" "$cpu" \
    "$ecsim" validate "$tmp/taskdefs-$n.json"
done
