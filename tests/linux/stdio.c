// stdio and formatted numbers: printf of floats, snprintf, strtod, sscanf, buffered
// output that reaches the console at exit.
#include <math.h>

#include "linux_test.h"

int main(void) {
  char buf[128];
  snprintf(buf, sizeof buf, "%.3f %e %g %5.1f", 3.14159, 12345.678, 0.0001, -2.25);
  CHECK(!strcmp(buf, "3.142 1.234568e+04 0.0001  -2.2"));
  snprintf(buf, sizeof buf, "%d %x %s %c %lu", -42, 0xbeef, "str", 'z', 18446744073709551615ul);
  CHECK(!strcmp(buf, "-42 beef str z 18446744073709551615"));
  double d = strtod("2.5e3", NULL);
  CHECK(d == 2500.0);
  CHECK(fabs(sqrt(2.0) - 1.41421356) < 1e-6);
  int a, b;
  CHECK_EQ(sscanf("10 20", "%d %d", &a, &b), 2);
  CHECK_EQ(a + b, 30);
  printf("stdio: pi is about %.5f\n", 3.14159265);
  fprintf(stderr, "stdio: to stderr\n");
  return test_done();
}
