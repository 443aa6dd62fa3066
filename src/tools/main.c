/* ccakit: the command-line tool. Dispatches to a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tools.h"

#ifndef CCAKIT_VERSION
#define CCAKIT_VERSION "unknown"
#endif

static const struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "run", "run a guest image as a realm: its console here, its exit status ours", cmd_run },
	{ "measure", "the RIM a realm of the image would have, or its reference values", cmd_measure },
	{ "token", "decode, verify and appraise CCA attestation tokens", cmd_token },
	{ "demo", "a realm's life with every RMI call traced, and a malicious host", cmd_demo },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: ccakit <command> [options]\n"
		   "       ccakit --help | --version\n"
		   "\n"
		   "Arm CCA on this machine: a root monitor and an RMM that speaks RMI 1.0.\n"
		   "\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		   "Run 'ccakit <command> --help' for a command's options.\n"
		   "Exit status: 0 done, 1 failed, 2 bad command line.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "ccakit: no command given\n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *arg = argv[1];
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
		printf("ccakit %s (RMM specification 1.0-REL0)\n", CCAKIT_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(arg, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (arg[0] == '-')
		fprintf(stderr, "ccakit: unknown option '%s'\n\n", arg);
	else
		fprintf(stderr, "ccakit: unknown command '%s'\n\n", arg);
	usage(stderr);
	return EXIT_USAGE;
}
