/**
 * Settings actions (issue #8): read what runs and what is chosen, store a change for the next model load, add a
 * library root (an import of the folder), count and then remove one. Each returns the words to show in the panel
 * on failure (null on success), so the panel says what went wrong next to the control that caused it.
 */
import type { MethodInput, MethodOutput } from '../../main/api';
import { describeError, handleError, isNotOpen } from './handle-error';
import { startFolderImport } from './jobs.service';
import { loadLibrary } from './library.service';
import type { PhotoContext } from './photo-context';

export type SettingsChange = MethodInput<'settings.set'>;
export type RootContents = MethodOutput<'library.rootContents'>;

export async function loadSettings(ctx: PhotoContext): Promise<void> {
  try {
    ctx.library.runtime = await ctx.client.call('settings.get', {});
  } catch (error) {
    if (!isNotOpen(error)) handleError(ctx.app, 'Loading settings failed', error);
  }
}

/** Stores the change (validated by the engine); it applies the next time the library is opened. */
export async function changeSettings(ctx: PhotoContext, change: SettingsChange): Promise<string | null> {
  try {
    ctx.library.runtime = await ctx.client.call('settings.set', change);
    return null;
  } catch (error) {
    return describeError(error);
  }
}

/** A new library root is an import of that folder; its progress shows in the jobs tray. */
export async function addRoot(ctx: PhotoContext, path: string): Promise<string | null> {
  if (!path.trim()) return 'Type the full path of a folder, e.g. /home/you/Pictures.';
  try {
    await startFolderImport(ctx, path.trim());
    return null;
  } catch (error) {
    return describeError(error);
  }
}

/** What removing `root` would delete: shown in the confirmation before anything is deleted. */
export async function countRoot(ctx: PhotoContext, root: string): Promise<RootContents | string> {
  try {
    return await ctx.client.call('library.rootContents', { root });
  } catch (error) {
    return describeError(error);
  }
}

/** Removes the root after the person confirmed; the sidebar and grid reload without its photos. */
export async function removeRoot(ctx: PhotoContext, root: string): Promise<string | null> {
  try {
    await ctx.client.call('library.removeRoot', { root, confirm: true });
    await loadLibrary(ctx);
    return null;
  } catch (error) {
    return describeError(error);
  }
}
