#include "core/object/eventpair.h"

#include <stdlib.h>

static void eventpair_destroy(struct kobject *obj) {
  peered_detach((struct peered *)obj, 0, NULL);
  free(obj);
}

static const struct kobject_ops eventpair_ops = {.destroy = eventpair_destroy};

zx_status_t eventpair_create(struct peered **a, struct peered **b) {
  return peered_create(sizeof(struct peered), ZX_OBJ_TYPE_EVENTPAIR, &eventpair_ops, 0, a, b);
}
