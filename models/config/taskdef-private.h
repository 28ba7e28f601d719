/* Shared between taskdef.c (the task level) and taskdef-container.c (one
 * container definition). Not part of the models' public API. */
#pragma once

#include "models/config/taskdef.h"

/* How loosely a field the simulation ignores is checked: its JSON type
 * only. TD_ANY fields are read by dedicated code or not at all. */
typedef enum {
  TD_ANY,
  TD_STRING,
  TD_INT,
  TD_BOOL,
  TD_ARRAY,
  TD_OBJECT,
} TdKind;

typedef struct {
  const char *key; /* as AWS spells it */
  TdKind kind;
} TdField;

#define TD_FIELDS_MAX 64

/* Checks that @obj is an object whose keys are all in @fields (terminated
 * by a NULL key; did-you-mean on a typo), that every key in @required
 * (NULL-terminated; may be NULL) is present, and that each present field
 * has its JSON type. */
gboolean taskdef_check_fields(const JNode *obj, const TdField *fields,
                              const char *const *required, GError **error);

/* Parses the container definition at @n of @def, whose network mode and
 * task-level memory are already set. @host_ports collects the fixed host
 * ports (protocol << 16 | port) of the containers parsed so far, to refuse
 * one mapped twice. Returns a new container, or NULL with @error set. */
EcsContainerDef *taskdef_container_parse(const JNode *n, const EcsTaskDef *def,
                                         GHashTable *host_ports,
                                         GError **error);

void taskdef_container_free(gpointer container);
