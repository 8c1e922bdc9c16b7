/**
 * Licence/attribution text written next to every output folder (datasets.md, "Licences and attribution").
 */
export function emojiLicenceText(): string {
  return `# Licences and attribution of data/emoji

Built by tools/dataset/build-emoji.ts from installed npm packages. Not for bundling into the app build.

| style / data | package | licence | attribution |
|---|---|---|---|
| captions (labels, tags) | emojibase-data@17.0.0 | MIT | Emojibase, data from Unicode CLDR (Unicode licence) |
| noto | emoji-datasource-google@16.0.0 | Apache-2.0 (Noto Emoji graphics, Google) | Noto Emoji by Google, https://github.com/googlefonts/noto-emoji |
| twemoji | @twemoji/svg@15.0.0 | CC-BY-4.0 (graphics) | Twemoji, Copyright Twitter, Inc and other contributors, CC-BY 4.0 |
| openmoji | openmoji@17.0.0 | CC-BY-SA-4.0 | All emojis designed by OpenMoji (https://openmoji.org/) – the open-source emoji and icon project. License: CC BY-SA 4.0 — share-alike applies to these rasterised copies |
| emojione (train_plus, train_plus2) | @iconify-json/emojione@1.2.3 | CC-BY-4.0 | Emoji One (v2), Copyright Ranks.com Inc., CC-BY 4.0; packaged by Iconify |
| fxemoji (train_plus, train_plus2) | @iconify-json/fxemoji@1.2.2 | Apache-2.0 | Firefox OS Emoji by Mozilla, https://github.com/mozilla/fxemoji; packaged by Iconify |
| streamline-emojis (train_plus2 only) | @iconify-json/streamline-emojis@1.2.4 | CC-BY-4.0 | Streamline Emojis by Streamline, https://github.com/webalys-hq/streamline-vectors, CC-BY 4.0; packaged by Iconify |
| fluent | @lobehub/fluent-emoji-3d@1.1.0 | MIT | Microsoft Fluent Emoji (3D renders), https://github.com/microsoft/fluentui-emoji |

The PNGs are resized, white-flattened renders of the package images (a modification, for the licences that ask).
`;
}
