/** Why a connector package cannot be used: a bad manifest, an entry that fails to import, a class mismatch. */
export class PluginPackageError extends Error {
  override readonly name = 'PluginPackageError';
}
