/*
 * A test-only NSS module ("testusers") for the host test: serves the passwd entries of
 * /etc/nss-testusers.passwd (passwd(5) format) to getpwnam/getpwuid. Users it serves exist
 * only through NSS, not in /etc/passwd, as OS Login users do on GCE (libnss_oslogin), which is
 * what the docker_host role must cope with. Built by test/hosts/run.sh; never on real hosts.
 *
 *   cc -shared -fPIC -O2 -o libnss_testusers.so.2 nss_testusers.c
 *   nsswitch.conf:  passwd: files testusers
 */
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#ifndef DB
#define DB "/etc/nss-testusers.passwd"
#endif

static enum nss_status lookup(const char *name, uid_t uid, struct passwd *pw, char *buf, size_t buflen,
                              int *errnop) {
  FILE *f = fopen(DB, "re");
  if (f == NULL) {
    *errnop = errno;
    return errno == ENOENT ? NSS_STATUS_NOTFOUND : NSS_STATUS_UNAVAIL;
  }
  enum nss_status status = NSS_STATUS_NOTFOUND;
  struct passwd *found;
  int err;
  while ((err = fgetpwent_r(f, pw, buf, buflen, &found)) == 0) {
    if (name != NULL ? strcmp(found->pw_name, name) == 0 : found->pw_uid == uid) {
      status = NSS_STATUS_SUCCESS;
      break;
    }
  }
  if (status != NSS_STATUS_SUCCESS && err == ERANGE) {
    *errnop = ERANGE;
    status = NSS_STATUS_TRYAGAIN;
  }
  fclose(f);
  return status;
}

enum nss_status _nss_testusers_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                          int *errnop) {
  return lookup(name, 0, pw, buf, buflen, errnop);
}

enum nss_status _nss_testusers_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buflen, int *errnop) {
  return lookup(NULL, uid, pw, buf, buflen, errnop);
}
