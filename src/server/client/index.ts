// What clients of a server use: its REST API as a Log, and the password file `sluice passwd` edits.
export {
  isRole,
  type PasswordEntry,
  PasswordFileError,
  parsePasswordFile,
  passwordLine,
  ROLES,
  type Role,
  userNameProblem,
  verifyPassword,
  withUserLine,
} from './password-file.js';
export { RemoteLog } from './remote-log.js';
