// tests/test.sh: a program that dereferences NULL in a function of its own. The
// runner must say it was killed by a fault and name sum_list and this file's line.
#include <stdio.h>

struct node {
  int value;
  struct node *next;
};

// Sums the first count values: one more than the list holds.
__attribute__((noinline)) static int sum_list(const struct node *n, int count) {
  int sum = 0;
  for (int i = 0; i < count; i++, n = n->next) {
    sum += n->value;  // faults here at the list's NULL end (test.sh expects line 14)
  }
  return sum;
}

int main(void) {
  static struct node b = {2, NULL}, a = {1, &b};
  struct node *volatile head = &a;  // the compiler must not see the list's end
  volatile int count = 3;
  printf("null_deref: summing 3 values of a list of 2\n");
  return sum_list(head, count);
}
