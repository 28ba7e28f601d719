/* Output folders that appear whole or not at all.
 *
 * A variant's outputs are written into a hidden temporary folder beside
 * their final one (".NAME.tmp-XXXXXX"), which then replaces the final
 * folder in one step: renameat2(RENAME_EXCHANGE) where the file system
 * has it, else two renames. A run that fails part-way (disk full, a file
 * size limit, a signal) leaves the earlier folder as it was, never a mix
 * of two runs' files; readers skip hidden folders, and the next write
 * beside them removes those left by a killed process. */
#pragma once

#include <glib.h>

/* Creates an empty hidden temporary folder beside @final (whose parent is
 * created if needed) and returns its path (owned). Returns NULL and sets
 * @error when it cannot. */
char *outdir_begin(const char *final, GError **error);

/* Moves @temp into place as @final, replacing what was there, then
 * removes the old contents. Returns FALSE and sets @error when it cannot
 * (@temp is then removed and @final left as it was). */
gboolean outdir_commit(const char *temp, const char *final, GError **error);

/* Removes @temp and everything in it (after a failure). Accepts NULL. */
void outdir_abandon(const char *temp);

/* Removes @path and everything below it (no symbolic link is followed).
 * Returns FALSE and sets @error naming what could not be removed. */
gboolean outdir_remove_tree(const char *path, GError **error);

/* strcmp() for g_ptr_array_sort() of char*. */
gint outdir_compare_names(gconstpointer a, gconstpointer b);
