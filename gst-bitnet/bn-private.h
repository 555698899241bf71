/* gst-bitnet: internals shared between the core's files
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bn-element.h"

G_BEGIN_DECLS

#define BN_LOG_DOMAIN_CORE "bn-core"

void _bn_element_set_parent (BnElement *element, BnElement *parent);
void _bn_element_set_factory_name (BnElement *element, const char *name);
void _bn_element_set_state (BnElement *element, BnState state);
void _bn_element_set_cancellable (BnElement *element, GCancellable *cancellable);
BnFlowReturn _bn_element_do_eos (BnElement *element);
void _bn_element_reset_pads (BnElement *element);
void _bn_pad_set_parent (BnPad *pad, BnElement *parent);
void _bn_pad_reset (BnPad *pad);
void _bn_debug_init (void);
int _bn_levenshtein (const char *a, const char *b);
const char *_bn_suggest (const char *word, const char *const *candidates);

G_END_DECLS
