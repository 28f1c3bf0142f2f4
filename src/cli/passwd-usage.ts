export const PASSWD_USAGE = `Usage: sluice passwd FILE USER --role ROLE
       sluice passwd FILE USER --delete

Adds USER to the password file FILE (created if missing, readable only by its owner), or changes
the user's password and role. The password is read from standard input, never from the command
line: typed twice at a terminal (not shown), or the first line of piped input.
Roles: admin (everything), developer (statements, queries and writes; no FileStream connectors,
RUN SCRIPT or ALTER SYSTEM), reader (SHOW, LIST, DESCRIBE, EXPLAIN, SELECT, PRINT, GET requests).
The server reads FILE with authentication.method=BASIC and sluice.authentication.password.file=FILE.`;
