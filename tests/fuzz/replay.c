// Replays a corpus through a fuzz target without libFuzzer: `replay DIR...` runs
// LLVMFuzzerTestOneInput on every file in each DIR, in name order, and prints one line
// per target. A crash or sanitizer report fails the run. What `make test` does with
// tests/fuzz/corpus/ (deterministic and fast; `make fuzz` is the search).
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t cap = 1 << 16, size = 0;
  uint8_t *data = malloc(cap);
  for (size_t n; (n = fread(data + size, 1, cap - size, f)) > 0;) {
    size += n;
    if (size == cap) data = realloc(data, cap *= 2);
  }
  fclose(f);
  // An exact-size copy, so reads past the input are caught as with libFuzzer.
  uint8_t *exact = malloc(size ? size : 1);
  memcpy(exact, data, size);
  free(data);
  LLVMFuzzerTestOneInput(exact, size);
  free(exact);
  return 0;
}

int main(int argc, char **argv) {
  int files = 0;
  for (int i = 1; i < argc; i++) {
    DIR *d = opendir(argv[i]);
    if (!d) {
      fprintf(stderr, "replay: cannot open %s\n", argv[i]);
      return 2;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
      if (e->d_name[0] == '.') continue;
      names = realloc(names, (n + 1) * sizeof *names);
      names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t k = 0; k < n; k++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
      if (replay_file(path) == 0) files++;
      free(names[k]);
    }
    free(names);
  }
  printf("replay: %d inputs\n", files);
  return files ? 0 : 1;
}
