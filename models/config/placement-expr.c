/* memberOf expressions: ECS's cluster query language over instance
 * attributes ([DG] "Create expressions to define container instances").
 *
 *   expr    := and ( ("or" | "||") and )*
 *   and     := unary ( ("and" | "&&") unary )*
 *   unary   := ("not" | "!") unary | "(" expr ")" | compare
 *   compare := subject "==" value | subject "!=" value
 *            | subject "in" list | subject "not in" list
 *            | subject "=~" value | subject "!~" value
 *            | subject "exists" | subject "!exists"
 *   subject := attribute:NAME | ec2InstanceId
 *   list    := "[" value ( "," value )* "]"
 * ECS's word forms of the operators are accepted too (equals, not_equals,
 * not_in, !in, matches, not_matches, not_exists); keywords ignore case. A
 * value is a bare word (up to a space, one of ()[], or an operator) or is
 * quoted with ' or ".
 *
 * Differences from ECS, on purpose: =~ takes wildcards (* any run, ? one
 * character), as ECS's examples use them, not Java regular expressions;
 * the ordering operators (>, <, ...) and subjects other than attributes
 * and ec2InstanceId (agentVersion, registeredAt, task:group, ...) are
 * refused. An instance without the attribute fails ==, in, =~ and exists,
 * and passes !=, not in, !~ and !exists. */
#include "models/config/placement-expr.h"

#include <string.h>

#include "models/input/input.h"

typedef enum { EXPR_AND, EXPR_OR, EXPR_NOT, EXPR_CMP } ExprKind;

typedef enum {
  OP_EQ, OP_NE, OP_IN, OP_NOT_IN, OP_MATCH, OP_NOT_MATCH, OP_EXISTS,
  OP_NOT_EXISTS,
} ExprOp;

struct _PlacementExpr {
  ExprKind kind;
  PlacementExpr *a, *b;  /* AND, OR: both; NOT: a */
  ExprOp op;             /* CMP */
  char *attr;            /* CMP: attribute name; NULL: ec2InstanceId */
  GPtrArray *values;     /* CMP: char * (OP_MATCH: GPatternSpec *) */
};

typedef enum {
  TOK_END, TOK_WORD, TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET,
  TOK_COMMA, TOK_EQ, TOK_NE, TOK_MATCH, TOK_NOT_MATCH, TOK_AND, TOK_OR,
  TOK_BANG,
} TokKind;

typedef struct {
  const char *text;
  const char *pos;       /* after the current token */
  TokKind kind;          /* the current token */
  guint column;          /* its 1-based column */
  char *word;            /* TOK_WORD: its text, unquoted */
  gboolean quoted;
  GError **error;
  gboolean failed;
} Parser;

static void
fail(Parser *ps, guint column, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
fail(Parser *ps, guint column, const char *fmt, ...)
{
  if (ps->failed)
    return;
  ps->failed = TRUE;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(ps->error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "column %u: %s", column, msg);
}

static gboolean
starts_operator(const char *s)
{
  return (s[0] == '=' && (s[1] == '=' || s[1] == '~')) ||
         (s[0] == '!' && (s[1] == '=' || s[1] == '~')) ||
         (s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|');
}

static void
advance(Parser *ps)
{
  g_clear_pointer(&ps->word, g_free);
  ps->quoted = FALSE;
  const char *s = ps->pos;
  while (g_ascii_isspace(*s))
    s++;
  ps->column = (guint) (s - ps->text) + 1;
  static const struct { const char *text; TokKind kind; } ops[] = {
    { "==", TOK_EQ }, { "!=", TOK_NE }, { "=~", TOK_MATCH },
    { "!~", TOK_NOT_MATCH }, { "&&", TOK_AND }, { "||", TOK_OR },
    { "(", TOK_LPAREN }, { ")", TOK_RPAREN }, { "[", TOK_LBRACKET },
    { "]", TOK_RBRACKET }, { ",", TOK_COMMA }, { "!", TOK_BANG },
  };
  if (*s == '\0') {
    ps->kind = TOK_END;
    ps->pos = s;
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS(ops); i++)
    if (g_str_has_prefix(s, ops[i].text)) {
      ps->kind = ops[i].kind;
      ps->pos = s + strlen(ops[i].text);
      return;
    }
  ps->kind = TOK_WORD;
  if (*s == '\'' || *s == '"') {
    const char *end = strchr(s + 1, *s);
    if (end == NULL) {
      fail(ps, ps->column, "unterminated quoted value");
      ps->kind = TOK_END;
      ps->pos = s + strlen(s);
      return;
    }
    ps->word = g_strndup(s + 1, (gsize) (end - s - 1));
    ps->quoted = TRUE;
    ps->pos = end + 1;
    return;
  }
  const char *e = s;
  while (*e && !g_ascii_isspace(*e) && !strchr("()[],", *e) &&
         !starts_operator(e))
    e++;
  ps->word = g_strndup(s, (gsize) (e - s));
  ps->pos = e;
}

/* The current token is the unquoted keyword @kw. */
static gboolean
is_kw(const Parser *ps, const char *kw)
{
  return ps->kind == TOK_WORD && !ps->quoted &&
         g_ascii_strcasecmp(ps->word, kw) == 0;
}

static PlacementExpr *
node_new(ExprKind kind, PlacementExpr *a, PlacementExpr *b)
{
  PlacementExpr *e = g_new0(PlacementExpr, 1);
  e->kind = kind;
  e->a = a;
  e->b = b;
  return e;
}

static void
pattern_free(gpointer spec)
{
  g_pattern_spec_free(spec);
}

void
placement_expr_free(PlacementExpr *e)
{
  if (e == NULL)
    return;
  placement_expr_free(e->a);
  placement_expr_free(e->b);
  g_free(e->attr);
  if (e->values)
    g_ptr_array_unref(e->values);
  g_free(e);
}

static PlacementExpr *parse_or(Parser *ps);

static gboolean
parse_value(Parser *ps, GPtrArray *values)
{
  if (ps->kind != TOK_WORD) {
    fail(ps, ps->column, "expected a value");
    return FALSE;
  }
  g_ptr_array_add(values, g_steal_pointer(&ps->word));
  advance(ps);
  return TRUE;
}

static gboolean
parse_list(Parser *ps, GPtrArray *values)
{
  if (ps->kind != TOK_LBRACKET) {
    fail(ps, ps->column, "expected '['");
    return FALSE;
  }
  advance(ps);
  if (!parse_value(ps, values))
    return FALSE;
  while (ps->kind == TOK_COMMA) {
    advance(ps);
    if (!parse_value(ps, values))
      return FALSE;
  }
  if (ps->kind != TOK_RBRACKET) {
    fail(ps, ps->column, "expected ']'");
    return FALSE;
  }
  advance(ps);
  return TRUE;
}

/* Reads the operator after @subject into @e->op. */
static gboolean
parse_operator(Parser *ps, PlacementExpr *e, const char *subject)
{
  static const struct { TokKind kind; const char *word; ExprOp op; } ops[] = {
    { TOK_EQ, "equals", OP_EQ }, { TOK_NE, "not_equals", OP_NE },
    { TOK_MATCH, "matches", OP_MATCH },
    { TOK_NOT_MATCH, "not_matches", OP_NOT_MATCH },
    { TOK_END, "in", OP_IN }, { TOK_END, "not_in", OP_NOT_IN },
    { TOK_END, "exists", OP_EXISTS }, { TOK_END, "not_exists", OP_NOT_EXISTS },
  };
  for (guint i = 0; i < G_N_ELEMENTS(ops); i++)
    if ((ops[i].kind != TOK_END && ps->kind == ops[i].kind) ||
        is_kw(ps, ops[i].word)) {
      e->op = ops[i].op;
      advance(ps);
      return TRUE;
    }
  if (ps->kind == TOK_BANG || is_kw(ps, "not")) {
    gboolean bang = ps->kind == TOK_BANG;
    advance(ps);
    if (is_kw(ps, "in") || (bang && is_kw(ps, "exists"))) {
      e->op = is_kw(ps, "in") ? OP_NOT_IN : OP_NOT_EXISTS;
      advance(ps);
      return TRUE;
    }
    fail(ps, ps->column, bang ? "expected 'in' or 'exists' after '!'"
                              : "expected 'in' after 'not'");
    return FALSE;
  }
  fail(ps, ps->column,
       "expected an operator (==, !=, in, not in, =~, !~, exists) after '%s'",
       subject);
  return FALSE;
}

static PlacementExpr *
parse_compare(Parser *ps)
{
  if (ps->kind != TOK_WORD || ps->quoted) {
    fail(ps, ps->column, "expected attribute:NAME, ec2InstanceId, 'not' or "
                         "'('");
    return NULL;
  }
  PlacementExpr *e = node_new(EXPR_CMP, NULL, NULL);
  if (g_str_has_prefix(ps->word, "attribute:") && ps->word[10] != '\0') {
    e->attr = g_strdup(ps->word + 10);
  } else if (strcmp(ps->word, "ec2InstanceId") != 0) {
    fail(ps, ps->column, "unknown subject '%s' (expected attribute:NAME or "
                         "ec2InstanceId)", ps->word);
    placement_expr_free(e);
    return NULL;
  }
  g_autofree char *subject = g_steal_pointer(&ps->word);
  advance(ps);
  e->values = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = parse_operator(ps, e, subject);
  if (ok && (e->op == OP_IN || e->op == OP_NOT_IN))
    ok = parse_list(ps, e->values);
  else if (ok && e->op != OP_EXISTS && e->op != OP_NOT_EXISTS)
    ok = parse_value(ps, e->values);
  if (ok && (e->op == OP_MATCH || e->op == OP_NOT_MATCH)) {
    char *pattern = g_ptr_array_steal_index(e->values, 0);
    g_ptr_array_set_free_func(e->values, pattern_free);
    g_ptr_array_add(e->values, g_pattern_spec_new(pattern));
    g_free(pattern);
  }
  if (!ok) {
    placement_expr_free(e);
    return NULL;
  }
  return e;
}

static PlacementExpr *
parse_unary(Parser *ps)
{
  if (ps->kind == TOK_BANG || is_kw(ps, "not")) {
    advance(ps);
    PlacementExpr *a = parse_unary(ps);
    return a ? node_new(EXPR_NOT, a, NULL) : NULL;
  }
  if (ps->kind != TOK_LPAREN)
    return parse_compare(ps);
  advance(ps);
  PlacementExpr *e = parse_or(ps);
  if (e != NULL && ps->kind != TOK_RPAREN) {
    fail(ps, ps->column, "expected ')'");
    g_clear_pointer(&e, placement_expr_free);
  }
  if (e != NULL)
    advance(ps);
  return e;
}

/* One level of binary operators: @word or @tok joins @sub's. */
static PlacementExpr *
parse_binary(Parser *ps, ExprKind kind, TokKind tok, const char *word,
             PlacementExpr *(*sub)(Parser *))
{
  PlacementExpr *left = sub(ps);
  while (left != NULL && (ps->kind == tok || is_kw(ps, word))) {
    advance(ps);
    PlacementExpr *right = sub(ps);
    if (right == NULL)
      g_clear_pointer(&left, placement_expr_free);
    else
      left = node_new(kind, left, right);
  }
  return left;
}

static PlacementExpr *
parse_and(Parser *ps)
{
  return parse_binary(ps, EXPR_AND, TOK_AND, "and", parse_unary);
}

static PlacementExpr *
parse_or(Parser *ps)
{
  return parse_binary(ps, EXPR_OR, TOK_OR, "or", parse_and);
}

PlacementExpr *
placement_expr_parse(const char *text, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  Parser ps = { .text = text, .pos = text, .error = error };
  advance(&ps);
  PlacementExpr *e = parse_or(&ps);
  if (e != NULL && ps.kind != TOK_END) {
    fail(&ps, ps.column, "expected 'and', 'or' or the end of the expression");
    g_clear_pointer(&e, placement_expr_free);
  }
  g_free(ps.word);
  if (ps.failed)
    placement_expr_free(e);
  return ps.failed ? NULL : e;
}

static gboolean
compare(const PlacementExpr *e, const char *v)
{
  gboolean any = FALSE;
  switch (e->op) {
  case OP_EQ:
  case OP_NE:
  case OP_IN:
  case OP_NOT_IN:
    for (guint i = 0; v != NULL && i < e->values->len && !any; i++)
      any = strcmp(v, g_ptr_array_index(e->values, i)) == 0;
    return (e->op == OP_EQ || e->op == OP_IN) ? any : !any;
  case OP_MATCH:
  case OP_NOT_MATCH:
    any = v != NULL &&
          g_pattern_spec_match_string(g_ptr_array_index(e->values, 0), v);
    return e->op == OP_MATCH ? any : !any;
  case OP_EXISTS:
    return v != NULL;
  case OP_NOT_EXISTS:
    return v == NULL;
  }
  g_assert_not_reached();
}

static gboolean
matches(const PlacementExpr *e, PlacementAttrFunc attr, gconstpointer inst)
{
  switch (e->kind) {
  case EXPR_AND:
    return matches(e->a, attr, inst) && matches(e->b, attr, inst);
  case EXPR_OR:
    return matches(e->a, attr, inst) || matches(e->b, attr, inst);
  case EXPR_NOT:
    return !matches(e->a, attr, inst);
  case EXPR_CMP:
    return compare(e, attr(e->attr, inst));
  }
  g_assert_not_reached();
}

gboolean
placement_expr_eval(const PlacementExpr *e, PlacementAttrFunc attr,
                    gconstpointer instance)
{
  g_return_val_if_fail(e != NULL && attr != NULL, FALSE);
  return matches(e, attr, instance);
}
