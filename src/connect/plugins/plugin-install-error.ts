/** An install or remove that could not be done; the message says what to do about it. */
export class PluginInstallError extends Error {
  override readonly name = 'PluginInstallError';
}
