/* gst-bitnet: reading and replacing files without harming what is there
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the core, the model and bench libraries and the tools: every file
 * the toolkit writes goes through BnAtomicFile, every file it reads whole
 * through bn_file_read_bounded() (docs/design/0013-hostile-inputs.md).
 */
#pragma once

#include <glib.h>
#include <gst-bitnet/bn.h>

G_BEGIN_DECLS

/* The name of a file's kind for messages ("a FIFO (named pipe)", "a
 * directory"...), from the st_mode of stat(). */
BN_API const char *bn_file_kind_name (guint st_mode);

/* Opens @path for reading without blocking on a FIFO or device: anything but
 * a regular file is refused with G_FILE_ERROR_INVAL and a message naming
 * @what (e.g. "receipt") and the file's kind. Returns the descriptor (blocking,
 * close-on-exec) or -1. */
BN_API int bn_file_open_input (const char *path, const char *what, GError **error);

/* Reads the whole regular file @path, refusing one larger than @max_size
 * bytes (the limit is named in the message). @contents is NUL-terminated. */
BN_API gboolean bn_file_read_bounded (const char *path, const char *what, gsize max_size, char **contents,
                                      gsize *length, GError **error);

/* A file being replaced: written to a temporary beside the target, renamed
 * over it by bn_atomic_file_commit(). The target must be absent or a regular
 * file; a symbolic link, directory, device node, FIFO or socket is refused
 * and left untouched. "-" writes straight to standard output. Temporaries of
 * our own naming (.NAME.bn-tmp.PID.XXXXXX) left behind by a killed process are
 * removed when the next writer of the same target opens. */
typedef struct _BnAtomicFile BnAtomicFile;

/* @create_dirs: create the missing directories of @path */
BN_API BnAtomicFile *bn_atomic_file_new (const char *path, gboolean create_dirs, GError **error);
BN_API int bn_atomic_file_get_fd (BnAtomicFile *file);
BN_API const char *bn_atomic_file_get_path (BnAtomicFile *file);
BN_API gboolean bn_atomic_file_write (BnAtomicFile *file, const void *data, gsize length, GError **error);
BN_API gboolean bn_atomic_file_commit (BnAtomicFile *file, GError **error);
/* Discards an uncommitted file (removes the temporary) and frees it. */
BN_API void bn_atomic_file_free (BnAtomicFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BnAtomicFile, bn_atomic_file_free)

/* Replaces @path by @data (@length bytes, or up to its NUL when -1). */
BN_API gboolean bn_file_replace_contents (const char *path, const char *data, gssize length, GError **error);

/* Takes an advisory lock (flock) on @path.lock, waiting at most @timeout_ms
 * and refusing with a message naming the lock and the wait otherwise. The
 * returned descriptor holds the lock until bn_file_unlock(). */
BN_API int bn_file_lock (const char *path, guint timeout_ms, GError **error);
BN_API void bn_file_unlock (int fd);

/* Two-phase commit of a pipeline run (docs/design/0017). Between begin and
 * end on one thread, a file written through bn_file_replace_contents_deferred()
 * (a success claim: receipt, envelope, baseline, summary) is flushed to its
 * temporary but not renamed, and bn_file_unlock() keeps the lock
 * until the end; end renames every deferred file in order when @commit,
 * else removes the temporaries, so that no file claims the success of a run
 * that failed. Verdicts and reports are not deferred: they are written
 * precisely when a run fails. Calls do not nest. */
BN_API gboolean bn_file_replace_contents_deferred (const char *path, const char *data, gssize length, GError **error);
BN_API void bn_file_transaction_begin (void);
BN_API gboolean bn_file_transaction_end (gboolean commit, GError **error);
BN_API gboolean bn_file_transaction_active (void);

G_END_DECLS
