/* Placeholder until this concept's tests land (issue 16). */
#include <criterion/criterion.h>

Test(ec2, builds)
{
  cr_assert(1 + 1 == 2);
}
