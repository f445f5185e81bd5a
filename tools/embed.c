/* embed.c — build tool: turn a file into a C source file defining
 *     const char NAME[];        (the bytes, NUL-terminated)
 *     const size_t NAME_len;    (their number, without the NUL)
 * so that the binary carries its data and needs no files at run time.
 * Usage: embed NAME INPUT OUTPUT.c */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	FILE *in, *out;
	long n = 0;
	int c;

	if (argc != 4) {
		fprintf(stderr, "usage: embed NAME INPUT OUTPUT.c\n");
		return 2;
	}
	if ((in = fopen(argv[2], "rb")) == NULL || (out = fopen(argv[3], "w")) == NULL) {
		perror("embed");
		return 1;
	}
	fprintf(out, "/* Generated from %s by tools/embed.c; do not edit. */\n"
		     "#include <stddef.h>\nconst char %s[] = {\n", argv[2], argv[1]);
	while ((c = getc(in)) != EOF) {
		fprintf(out, "%d,%s", c, (++n % 20) ? "" : "\n");
	}
	fprintf(out, "0};\nconst size_t %s_len = %ld;\n", argv[1], n);
	if (ferror(in) || fclose(out) != 0) {
		perror("embed");
		return 1;
	}
	fclose(in);
	return 0;
}
