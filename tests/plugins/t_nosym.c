/* SPDX-License-Identifier: ISC */
/* t_nosym: a shared object without rm_plugin_init. */
int	t_nosym_something(void);

int
t_nosym_something(void)
{
	return 42;
}
