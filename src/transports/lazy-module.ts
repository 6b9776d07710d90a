/**
 * An optional native package imported on first use only, so a gateway without its system
 * library (libusb, sysfs GPIO) still runs everything else. Node caches a failed import, so
 * the first failure is final for this process; every later `load()` repeats it.
 */
export interface LazyModule<M> {
  load(): Promise<M>;
  /** How many times the import actually ran (0 or 1): lets tests prove nothing loaded early. */
  readonly loadCount: number;
}

export function lazyModule<M>(importer: () => Promise<unknown>, explain: (why: string) => Error): LazyModule<M> {
  let count = 0;
  let loading: Promise<M> | null = null;
  return {
    load() {
      loading ??= (async () => {
        count++;
        try {
          const mod = (await importer()) as M & { default?: M };
          // CommonJS packages arrive as { default: module.exports, ...named }.
          return mod.default ?? mod;
        } catch (err) {
          throw explain(err instanceof Error ? err.message : String(err));
        }
      })();
      return loading;
    },
    get loadCount() {
      return count;
    },
  };
}
