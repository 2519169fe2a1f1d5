// Fuzz target: the handle table (core/object/handle_table.c) driven by a byte string of
// operations (add, get, remove, duplicate, replace, close, and raw handle values as a
// hostile program would pass them), checked against a model: every handle the model
// holds resolves to its object with its rights, every value it does not hold (closed,
// replaced, made up) is ZX_ERR_BAD_HANDLE, rights only shrink, and destroying the
// table drops every reference exactly once.
#include <stdlib.h>
#include <janus/testing.h>
#include <string.h>

#include <janus/object.h>
#include <zircon/rights.h>
#include "core/object/handle_table.h"

void *handle_chunk_alloc(void) { return malloc(HANDLE_TABLE_CHUNK_BYTES); }
void handle_chunk_free(void *chunk) { free(chunk); }

#define OBJECTS 4
#define MODEL_MAX 4096

struct fobj {
  struct kobject base;
  int destroyed;
};
static void fobj_destroy(struct kobject *obj) { ((struct fobj *)obj)->destroyed++; }
static const struct kobject_ops fobj_ops = {.destroy = fobj_destroy};

struct held {
  zx_handle_t h;
  unsigned obj;
  zx_rights_t rights;
};

static struct held model[MODEL_MAX];
static size_t model_n;
static zx_handle_t dead[MODEL_MAX];  // values that were valid once
static size_t dead_n;

#define CHECK(c)       \
  do {                 \
    if (!(c)) abort(); \
  } while (0)

static void forget(size_t i) {
  if (dead_n < MODEL_MAX) dead[dead_n++] = model[i].h;
  model[i] = model[--model_n];
}

static bool is_live(zx_handle_t h) {
  for (size_t i = 0; i < model_n; i++)
    if (model[i].h == h) return true;
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct fobj objs[OBJECTS];
  struct handle_table ht;
  handle_table_init(&ht, size * 0x9e3779b97f4a7c15ull);
  for (unsigned i = 0; i < OBJECTS; i++) {
    memset(&objs[i], 0, sizeof objs[i]);
    kobject_init(&objs[i].base, 10 + i % 2, &fobj_ops);
  }
  model_n = dead_n = 0;
  size_t at = 0;
  while (at + 2 <= size) {
    uint8_t op = data[at++], arg = data[at++];
    zx_rights_t rights = (zx_rights_t)arg * 0x01010101u & (ZX_RIGHTS_BASIC | ZX_RIGHTS_IO);
    size_t pick = model_n ? arg % model_n : 0;
    zx_handle_t out = ZX_HANDLE_INVALID;
    struct kobject *got;
    zx_rights_t got_rights;
    switch (op % 8) {
      case 0:  // add
        if (model_n < MODEL_MAX &&
            handle_table_add(&ht, &objs[arg % OBJECTS].base, rights, &out) == ZX_OK) {
          CHECK(out != ZX_HANDLE_INVALID && !is_live(out));
          model[model_n++] = (struct held){out, arg % OBJECTS, rights};
        }
        break;
      case 1:  // get a live one, with its type and a subset of its rights
        if (!model_n) break;
        CHECK(handle_table_get(&ht, model[pick].h, 10 + model[pick].obj % 2,
                               model[pick].rights & rights, &got, &got_rights) == ZX_OK);
        CHECK(got == &objs[model[pick].obj].base && got_rights == model[pick].rights);
        kobject_unref(got);
        if (rights & ~model[pick].rights)
          CHECK(handle_table_get(&ht, model[pick].h, ZX_OBJ_TYPE_NONE, rights, NULL, NULL) ==
                ZX_ERR_ACCESS_DENIED);
        CHECK(handle_table_get(&ht, model[pick].h, 12, 0, NULL, NULL) == ZX_ERR_WRONG_TYPE);
        break;
      case 2:  // remove
        if (!model_n) break;
        CHECK(handle_table_remove(&ht, model[pick].h, &got, &got_rights) == ZX_OK);
        CHECK(got == &objs[model[pick].obj].base);
        kobject_unref(got);
        forget(pick);
        break;
      case 3: {  // duplicate
        if (!model_n || model_n == MODEL_MAX) break;
        zx_status_t s = handle_table_duplicate(&ht, model[pick].h, rights, &out);
        if (!(model[pick].rights & ZX_RIGHT_DUPLICATE)) CHECK(s == ZX_ERR_ACCESS_DENIED);
        else if (rights & ~model[pick].rights) CHECK(s == ZX_ERR_INVALID_ARGS);
        else CHECK(s == ZX_OK);
        if (s == ZX_OK) {
          CHECK(!is_live(out));
          model[model_n++] = (struct held){out, model[pick].obj, rights};
        }
        break;
      }
      case 4: {  // replace
        if (!model_n) break;
        zx_rights_t want = arg & 1 ? ZX_RIGHT_SAME_RIGHTS : rights;
        zx_status_t s = handle_table_replace(&ht, model[pick].h, want, &out);
        struct held old = model[pick];
        forget(pick);
        if (want != ZX_RIGHT_SAME_RIGHTS && (want & ~old.rights)) {
          CHECK(s == ZX_ERR_INVALID_ARGS);
        } else {
          CHECK(s == ZX_OK && !is_live(out));
          model[model_n++] =
              (struct held){out, old.obj, want == ZX_RIGHT_SAME_RIGHTS ? old.rights : want};
        }
        break;
      }
      case 5:  // close
        if (!model_n) break;
        CHECK(handle_table_close(&ht, model[pick].h) == ZX_OK);
        forget(pick);
        break;
      case 6: {  // a value that was valid once, or is made up from input bytes
        zx_handle_t h = dead_n && (arg & 1) ? dead[arg % dead_n] : 0;
        if (!h && at + 4 <= size) {
          memcpy(&h, data + at, 4);
          at += 4;
        }
        if (!is_live(h)) {
          CHECK(handle_table_get(&ht, h, ZX_OBJ_TYPE_NONE, 0, NULL, NULL) == ZX_ERR_BAD_HANDLE);
          CHECK(handle_table_close(&ht, h) == ZX_ERR_BAD_HANDLE);
          CHECK(handle_table_duplicate(&ht, h, ZX_RIGHT_SAME_RIGHTS, &out) == ZX_ERR_BAD_HANDLE);
        }
        break;
      }
      default:
        CHECK(handle_table_count(&ht) == model_n);
        break;
    }
  }
  handle_table_destroy(&ht);
  zx_handle_t after;
  CHECK(handle_table_add(&ht, &objs[0].base, 0, &after) == ZX_ERR_BAD_STATE);
  for (unsigned i = 0; i < OBJECTS; i++) {
    CHECK(objs[i].destroyed == 0);  // our own reference is still there
    kobject_unref(&objs[i].base);
    CHECK(objs[i].destroyed == 1);
  }
  return 0;
}
