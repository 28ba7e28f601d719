/* memberOf expressions: ECS's cluster query language over instance
 * attributes, parsed with the scenario (placement constraints) and
 * evaluated by placement against each instance (capacity/placement.h). */
#pragma once

#include <glib.h>

typedef struct _PlacementExpr PlacementExpr;

/* Parses a memberOf expression such as
 *   attribute:ecs.instance-type == t3.large
 *   attribute:ecs.availability-zone in [us-east-1a, us-east-1b]
 *   attribute:ecs.instance-type =~ m6i.* and not(attribute:stack == dev)
 * (==, !=, in, not in, =~ with * and ? wildcards, exists, and, or, not(),
 * parentheses; see placement-expr.c for the grammar). Returns a new
 * expression, or NULL and sets @error (ECSIM_INPUT_ERROR_INVALID, a message
 * naming the column: "column 23: expected ']'") when malformed. */
PlacementExpr *placement_expr_parse(const char *text, GError **error);
void placement_expr_free(PlacementExpr *e);

/* The value of attribute @name of the instance @instance (lent by the
 * caller of placement_expr_eval()), or NULL when it has none; @name NULL
 * asks for its ec2InstanceId. */
typedef const char *(*PlacementAttrFunc)(const char *name,
                                         gconstpointer instance);

/* Evaluates @e against @instance, whose attributes @attr gives. */
gboolean placement_expr_eval(const PlacementExpr *e, PlacementAttrFunc attr,
                             gconstpointer instance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlacementExpr, placement_expr_free)
