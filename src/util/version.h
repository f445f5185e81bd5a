/* version.h — the program's version, for `aanwezig version` and /metrics. */
#ifndef AZ_VERSION_H
#define AZ_VERSION_H

#define AANWEZIG_VERSION "0.1.0"

#endif
