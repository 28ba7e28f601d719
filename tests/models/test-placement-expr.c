/* Placement's memberOf expressions (cluster query language): parsing,
 * errors, and what they let a task be placed on. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/input/input.h"
#include "models/capacity/placement.h"
#include "placement-support.h"

/* ---- memberOf expressions ---------------------------------------------- */

/* Instances 0..3: t3.large/a/blue, m6i.large/b/green, m6i.xlarge/c (no
 * stack), c5.large/a/blue (arm64). */
static Placement *
attribute_cluster(void)
{
  Placement *p = placement_new(3);
  static const char *blue[] = { "stack", "blue", "tier", "web", NULL };
  static const char *green[] = { "stack", "green", NULL };
  static const struct {
    const char *type, *arch;
    uint32_t az;
    const char *const *attrs;
  } defs[] = {
    { "t3.large", "x86_64", 0, blue }, { "m6i.large", "x86_64", 1, green },
    { "m6i.xlarge", "x86_64", 2, NULL }, { "c5.large", "arm64", 0, blue },
  };
  for (uint32_t i = 0; i < G_N_ELEMENTS(defs); i++) {
    char id[8];
    g_snprintf(id, sizeof id, "i-%u", i);
    PlacementInstanceInfo info = info_of(defs[i].az, 2048, 4096);
    info.instance_id = id;
    info.instance_type = defs[i].type;
    info.cpu_architecture = defs[i].arch;
    info.attributes = defs[i].attrs;
    placement_add_instance(p, i, &info);
  }
  return p;
}

/* The instances @text matches, as a bit mask. */
static guint
matching(const char *text)
{
  g_autoptr(Placement) p = attribute_cluster();
  GError *error = NULL;
  g_autoptr(PlacementExpr) e = placement_expr_parse(text, &error);
  cr_assert_not_null(e, "%s: %s", text, error ? error->message : "?");
  guint mask = 0;
  for (uint32_t i = 0; i < 4; i++)
    if (placement_expr_matches(p, e, i))
      mask |= 1u << i;
  return mask;
}

Test(placement, member_of_operators)
{
  cr_assert_eq(matching("attribute:ecs.instance-type == t3.large"), 0x1);
  cr_assert_eq(matching("attribute:ecs.instance-type equals m6i.large"), 0x2);
  cr_assert_eq(matching("attribute:stack != blue"), 0x6);
  cr_assert_eq(matching("attribute:ecs.availability-zone in "
                        "[us-east-1a, us-east-1c]"), 0xd);
  cr_assert_eq(matching("attribute:ecs.availability-zone not in "
                        "[us-east-1a,us-east-1c]"), 0x2);
  cr_assert_eq(matching("attribute:ecs.availability-zone !in [us-east-1b]"),
               0xd);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ m6i.*"), 0x6);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ ?5.large"), 0x8);
  cr_assert_eq(matching("attribute:ecs.instance-type !~ *.large"), 0x4);
  cr_assert_eq(matching("attribute:stack exists"), 0xb);
  cr_assert_eq(matching("attribute:stack !exists"), 0x4);
  cr_assert_eq(matching("attribute:ecs.cpu-architecture == arm64"), 0x8);
  cr_assert_eq(matching("ec2InstanceId == i-2"), 0x4);
  cr_assert_eq(matching("attribute:stack == 'blue'"), 0x9);
}

Test(placement, member_of_boolean_operators_and_precedence)
{
  cr_assert_eq(matching("attribute:stack == blue and "
                        "attribute:ecs.cpu-architecture == x86_64"), 0x1);
  cr_assert_eq(matching("attribute:stack == green || "
                        "attribute:ecs.instance-type == m6i.xlarge"), 0x6);
  cr_assert_eq(matching("not(attribute:stack == blue)"), 0x6);
  cr_assert_eq(matching("!attribute:stack exists"), 0x4);
  /* and binds tighter than or; parentheses change it. */
  cr_assert_eq(matching("attribute:stack == green or attribute:stack == "
                        "blue and attribute:ecs.availability-zone == "
                        "us-east-1b"), 0x2);
  cr_assert_eq(matching("(attribute:stack == green or attribute:stack == "
                        "blue) and attribute:ecs.availability-zone == "
                        "us-east-1a"), 0x9);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ m6i.* and "
                        "not(attribute:stack == green)"), 0x4);
}

Test(placement, member_of_constrains_placement)
{
  g_autoptr(Placement) p = attribute_cluster();
  g_autoptr(PlacementExpr) e =
    placement_expr_parse("attribute:ecs.instance-type =~ m6i.*", NULL);
  PlacementExpr *list[] = { e };
  PlacementRequest req = request(64, 64);
  req.member_of = list;
  req.n_member_of = 1;
  req.default_spread = TRUE;
  g_autoptr(gsl_rng) rng = rng_new(1);
  for (guint t = 0; t < 20; t++) {
    int64_t id = place(p, &req, rng);
    cr_assert(id == 1 || id == 2);
  }
  g_autoptr(PlacementExpr) none =
    placement_expr_parse("attribute:stack == red", NULL);
  list[0] = none;
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_str_eq(miss.missing, "a matching attribute");
}

/* Asserts that @text is refused with exactly @message. */
static void
refused(const char *text, const char *message)
{
  GError *error = NULL;
  PlacementExpr *e = placement_expr_parse(text, &error);
  cr_assert_null(e, "accepted: %s", text);
  cr_assert(g_error_matches(error, ECSIM_INPUT_ERROR,
                            ECSIM_INPUT_ERROR_INVALID));
  cr_assert_str_eq(error->message, message, "%s", text);
  g_error_free(error);
}

Test(placement, member_of_unclosed_list)
{
  refused("attribute:zone in [a, b c]", "column 25: expected ']'");
  refused("attribute:zone in [a, b", "column 24: expected ']'");
}

Test(placement, member_of_list_without_bracket)
{
  refused("attribute:zone in a", "column 19: expected '['");
}

Test(placement, member_of_missing_value)
{
  refused("attribute:zone == ", "column 19: expected a value");
  refused("attribute:zone in [a, ]", "column 23: expected a value");
}

Test(placement, member_of_unknown_operator)
{
  refused("attribute:stack = dev",
          "column 17: expected an operator (==, !=, in, not in, =~, !~, "
          "exists) after 'attribute:stack'");
  refused("attribute:stack not exists",
          "column 21: expected 'in' after 'not'");
}

Test(placement, member_of_unknown_subject)
{
  refused("stack == dev", "column 1: unknown subject 'stack' (expected "
                          "attribute:NAME or ec2InstanceId)");
  refused("", "column 1: expected attribute:NAME, ec2InstanceId, 'not' or "
              "'('");
}

Test(placement, member_of_unbalanced_parenthesis)
{
  refused("(attribute:a == b", "column 18: expected ')'");
  refused("attribute:a == b)",
          "column 17: expected 'and', 'or' or the end of the expression");
}

Test(placement, member_of_dangling_and)
{
  refused("attribute:a == b and ",
          "column 22: expected attribute:NAME, ec2InstanceId, 'not' or '('");
}

Test(placement, member_of_unterminated_quote)
{
  refused("attribute:a == 'b", "column 16: unterminated quoted value");
}
