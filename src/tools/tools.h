/* The `ccakit` command's subcommands. Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the process exit status:
 * 0 done, 1 failed, 2 usage error. */
#ifndef CCAKIT_TOOLS_H
#define CCAKIT_TOOLS_H

#define EXIT_USAGE 2

int cmd_demo(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_token(int argc, char **argv);

#endif
