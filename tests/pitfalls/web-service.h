/* Scenario text the pitfall tests share (see tests/pitfalls/meson.build). */
#pragma once

/* The 1 vCPU Fargate task "web", target group "tg", and the head of
 * service "web" behind it at desiredCount @desired (a number), up to its
 * "workload". */
#define WEB_SERVICE_OF(desired)                                             \
  " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"1024\","         \
  "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","                  \
  "   \"requiresCompatibilities\": [\"FARGATE\"],"                          \
  "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\","     \
  "     \"portMappings\": [{\"containerPort\": 80}]}]}],"                  \
  " \"targetGroups\": [{\"TargetGroupName\": \"tg\"}],"                    \
  " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\"," \
  "   \"desiredCount\": " #desired ", \"launchType\": \"FARGATE\","        \
  "   \"loadBalancers\": [{\"targetGroupName\": \"tg\","                   \
  "     \"containerName\": \"app\", \"containerPort\": 80}],"
