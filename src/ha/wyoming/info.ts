// The `info` event (answer to `describe`), shaped like rhasspy/wyoming `wyoming/info.py`.

export interface WyomingAttribution {
  name: string;
  url: string;
}

export interface WyomingArtifact {
  name: string;
  attribution: WyomingAttribution;
  installed: boolean;
  description: string | null;
  version: string | null;
}

export interface WyomingHandleModel extends WyomingArtifact {
  languages: string[];
}

export interface WyomingHandleProgram extends WyomingArtifact {
  models: WyomingHandleModel[];
  supports_handled_streaming: boolean;
  supports_home_control: boolean;
}

/** The info event's data. Programs other than `handle` are kept opaque: the butler only offers a handle program. */
export interface WyomingInfo {
  asr: unknown[];
  tts: unknown[];
  handle: WyomingHandleProgram[];
  intent: unknown[];
  wake: unknown[];
  mic: unknown[];
  snd: unknown[];
}

/**
 * Language tags announced by default. Home Assistant's conversation languages use `en` and, for Chinese,
 * `zh-cn` (Assist pipelines, hassil intents) while its UI language is `zh-Hans`; both spellings are announced,
 * plus bare `zh`, so whichever one a pipeline carries matches.
 */
export const DEFAULT_LANGUAGES: readonly string[] = Object.freeze(['en', 'en-US', 'en-GB', 'zh', 'zh-cn', 'zh-CN', 'zh-Hans', 'zh-hans']);

export interface WyomingInfoOptions {
  version: string;
  name?: string;
  description?: string;
  attribution?: WyomingAttribution;
  languages?: readonly string[];
  modelName?: string;
  supportsHomeControl?: boolean;
}

export const DEFAULT_ATTRIBUTION: WyomingAttribution = Object.freeze({
  name: 'Smart Butler',
  url: 'https://github.com/smart-butler/smart-butler',
});

export function buildInfo(opts: WyomingInfoOptions): WyomingInfo {
  const attribution = { ...(opts.attribution ?? DEFAULT_ATTRIBUTION) };
  const description = opts.description ?? 'Smart Butler: an AI butler that understands your home and acts through one policy-gated door';
  const languages = [...(opts.languages ?? DEFAULT_LANGUAGES)];
  return {
    asr: [],
    tts: [],
    handle: [
      {
        name: opts.name ?? 'Smart Butler',
        attribution,
        installed: true,
        description,
        version: opts.version,
        models: [
          {
            name: opts.modelName ?? 'smart-butler',
            attribution: { ...attribution },
            installed: true,
            description,
            version: opts.version,
            languages,
          },
        ],
        supports_handled_streaming: false,
        supports_home_control: opts.supportsHomeControl ?? true,
      },
    ],
    intent: [],
    wake: [],
    mic: [],
    snd: [],
  };
}

/** The first installed handle program, as Home Assistant's integration picks it; null when there is none. */
export function installedHandleProgram(info: WyomingInfo): WyomingHandleProgram | null {
  return info.handle.find((p) => p.installed) ?? null;
}
