// gebi: wires the command line to the libraries. All logic lives in bot/, handlers/, storage/.
#include "bot/cli/cli.h"

int main(int argc, char** argv) { return gebi::bot::RunCli(argc, argv); }
