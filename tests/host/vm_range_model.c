// The VMAR range allocator against a page bitmap (tests/host/vm_range_model.h).
#include "vm_range_model.h"

#include <stdbool.h>
#include <stdio.h>

#include "../../core/vm/vm_range.h"

#define PG ((uintptr_t)VM_RANGE_PAGE)

#define MODEL_PAGES 64
#define MODEL_NODES 24

struct model {
  struct vm_range r;
  uintptr_t base;
  struct vm_range_node nodes[MODEL_NODES];
  bool used[MODEL_NODES];
  int owner[MODEL_PAGES];  // node index per page, -1 if free
};

static bool model_free(const struct model *m, long first, long pages) {
  for (long p = first; p < first + pages; p++)
    if (m->owner[p] >= 0) return false;
  return true;
}

int vm_range_model_run(uint64_t (*next)(void *ctx), void *ctx, int steps, char *why,
                       size_t why_len) {
  static struct model m;  // large for a fuzzer's stack
  // The region's base is 4 pages past 64 KiB alignment, so alignment matters.
  m.base = ((uintptr_t)(next(ctx) & 0xffffff) << 16) + 4 * PG;
  if (vm_range_init(&m.r, m.base, MODEL_PAGES * PG) != ZX_OK) {
    snprintf(why, why_len, "init");
    return 0;
  }
  for (int i = 0; i < MODEL_NODES; i++) m.used[i] = false;
  for (int p = 0; p < MODEL_PAGES; p++) m.owner[p] = -1;

  for (int step = 0; step < steps; step++) {
    uint64_t r = next(ctx);
    unsigned op = r % 6;
    r >>= 3;
    if (op <= 1) {  // insert, sometimes invalid
      int k = -1;
      for (int i = 0; i < MODEL_NODES; i++)
        if (!m.used[i]) k = i;
      if (k < 0) continue;
      long first = (long)(r % (MODEL_PAGES + 8)) - 4;
      long pages = (long)((r >> 8) % 9);
      bool unaligned = ((r >> 12) % 16) == 0;
      uintptr_t base = m.base + (uintptr_t)first * PG + (unaligned ? 512 : 0);
      zx_status_t want;
      if (pages == 0 || unaligned || first < 0 || first + pages > MODEL_PAGES)
        want = ZX_ERR_INVALID_ARGS;
      else want = model_free(&m, first, pages) ? ZX_OK : ZX_ERR_ALREADY_EXISTS;
      zx_status_t got = vm_range_insert(&m.r, &m.nodes[k], base, (size_t)pages * PG);
      if (got != want) {
        snprintf(why, why_len, "insert page %ld +%ld: %d, want %d", first, pages, got, want);
        return step;
      }
      if (got == ZX_OK) {
        m.used[k] = true;
        for (long p = first; p < first + pages; p++) m.owner[p] = k;
      }
    } else if (op == 2) {  // remove
      int k = (int)(r % MODEL_NODES);
      if (!m.used[k]) continue;
      vm_range_remove(&m.r, &m.nodes[k]);
      m.used[k] = false;
      for (int p = 0; p < MODEL_PAGES; p++)
        if (m.owner[p] == k) m.owner[p] = -1;
    } else if (op == 3) {  // find_free, compact or random
      long pages = 1 + (long)(r % 8);
      size_t align = PG << ((r >> 4) % 5);  // 4 KiB .. 64 KiB
      uint64_t random = (r >> 8) % 2 ? next(ctx) : 0;
      long lowest = -1, fits = 0;
      for (long p = 0; p + pages <= MODEL_PAGES; p++) {
        if ((m.base + (uintptr_t)p * PG) % align || !model_free(&m, p, pages)) continue;
        if (lowest < 0) lowest = p;
        fits++;
      }
      uintptr_t out = 0;
      zx_status_t got = vm_range_find_free(&m.r, (size_t)pages * PG, align, random, &out);
      long at = (long)((out - m.base) / PG);
      bool ok = fits ? got == ZX_OK : got == ZX_ERR_NO_RESOURCES;
      if (ok && fits) {
        ok = out >= m.base && (out - m.base) % PG == 0 && at + pages <= MODEL_PAGES &&
             out % align == 0 && model_free(&m, at, pages) && (random || at == lowest);
      }
      if (!ok) {
        snprintf(why, why_len,
                 "find_free %ld pages align %zx random %d: %d at page %ld, "
                 "want %ld fits, lowest %ld",
                 pages, align, random != 0, got, at, fits, lowest);
        return step;
      }
    } else if (op == 4) {  // find
      long page = (long)(r % (MODEL_PAGES + 4)) - 2;
      uintptr_t addr = m.base + (uintptr_t)page * PG + (r >> 8) % PG;
      int want = page >= 0 && page < MODEL_PAGES ? m.owner[page] : -1;
      struct vm_range_node *got = vm_range_find(&m.r, addr);
      if (got != (want >= 0 ? &m.nodes[want] : NULL)) {
        snprintf(why, why_len, "find page %ld", page);
        return step;
      }
    } else {  // first_overlap over a byte range
      long first = (long)(r % (MODEL_PAGES + 4)) - 2;
      long len = (long)((r >> 8) % (12 * PG));
      uintptr_t start = m.base + (uintptr_t)first * PG + (r >> 24) % PG;
      int want = -1;
      for (long p = 0; p < MODEL_PAGES && want < 0 && len; p++) {
        uintptr_t lo = m.base + (uintptr_t)p * PG;
        if (m.owner[p] >= 0 && lo + PG > start && lo < start + (uintptr_t)len) want = m.owner[p];
      }
      struct vm_range_node *got = vm_range_first_overlap(&m.r, start, (size_t)len);
      if (got != (want >= 0 ? &m.nodes[want] : NULL)) {
        snprintf(why, why_len, "first_overlap page %ld len %ld", first, len);
        return step;
      }
    }
    // The list stays sorted, disjoint and counted.
    size_t count = 0;
    uintptr_t end = 0;
    for (struct vm_range_node *n = vm_range_first(&m.r); n; n = vm_range_next(n), count++) {
      if (n->base < end || (n->next && n->next->prev != n)) {
        snprintf(why, why_len, "list order");
        return step;
      }
      end = n->base + n->size;
    }
    size_t want_count = 0;
    for (int i = 0; i < MODEL_NODES; i++) want_count += m.used[i];
    if (count != want_count || vm_range_count(&m.r) != want_count) {
      snprintf(why, why_len, "count %zu, want %zu", count, want_count);
      return step;
    }
  }
  return -1;
}
