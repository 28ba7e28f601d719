/* manifest.json: which run a variant's output folder holds.
 *
 * Every variant folder that `ecsim run` or `ecsim compare` writes holds a
 * manifest.json: {"schema": "ecsim-manifest/1", "scenario": NAME,
 * "file": PATH, "variant": V, "seed": N, "duration_s": S,
 * "scenario_sha256": HEX, "run": HEX}, and "request_seed": N after "seed"
 * when the run had one. "scenario_sha256" is scenario_fingerprint() (the
 * file's content and --set overrides), "run" a SHA-256 of it and the
 * seed (and the request seed): the variants of one run share it.
 *
 * A run claims its output folder before it starts: variant folders of
 * another run (another scenario, an edited one, another seed, or older
 * outputs with no manifest) are refused, or with --force removed, so that
 * a folder never mixes two runs. `ecsim plot` and `ecsim diff` read the
 * manifests to refuse mixing runs of different scenarios. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/config/scenario.h"

#define RUN_MANIFEST_FILE "manifest.json"
#define RUN_MANIFEST_SCHEMA "ecsim-manifest/1"

typedef struct {
  char *scenario;        /* scenario name */
  char *file;            /* scenario file as given */
  char *variant;
  guint64 seed;
  gboolean has_request_seed;
  guint64 request_seed;  /* written only when has_request_seed */
  double duration_s;
  char *scenario_sha256;
  char *run;             /* identifies the run: scenario + overrides + seed */
} RunManifest;

/* The manifest of variant @cfg of @scn (a new, owned value). */
RunManifest *run_manifest_new(const Scenario *scn, const ScenarioConfig *cfg);
void run_manifest_free(RunManifest *m);

/* As manifest.json's JSON (a new tree). */
cJSON *run_manifest_to_json(const RunManifest *m);

/* Reads @dir/manifest.json. Returns NULL with @error unset when the
 * folder has none; NULL with @error set when it cannot be read. */
RunManifest *run_manifest_load(const char *dir, GError **error);

/* "scenario fargate-vs-ec2 (24h, seed 7)": for messages (owned). */
char *run_manifest_describe(const RunManifest *m);

/* Checks that @base is ready for variant folders of the run @m
 * describes: every sub-folder that holds a run's outputs (a summary.json
 * or a manifest.json) must belong to the same run. Otherwise returns
 * FALSE and sets @error (naming one such folder, its run, and --force),
 * unless @force: then returns TRUE with the paths of those folders in
 * @stale (a new array, owned). Removes nothing. */
gboolean run_manifest_claim(const char *base, const RunManifest *m,
                            gboolean force, GPtrArray **stale,
                            GError **error);

/* Removes the folders of @stale (from run_manifest_claim()) whose last
 * path element is not in @keep (NULL-terminated; NULL: none kept): the
 * outputs of another run that this one will not replace. Returns FALSE
 * and sets @error when one cannot be removed. */
gboolean run_manifest_remove_stale(GPtrArray *stale, const char *const *keep,
                                   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunManifest, run_manifest_free)
