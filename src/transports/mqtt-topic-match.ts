/**
 * MQTT topic filter matching (MQTT 3.1.1 §4.7), done locally so several drivers can share one
 * client and each get only its own messages.
 */

/** A filter is valid when `#` is only the whole last level and `+` only ever a whole level. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split("/");
  return levels.every((level, i) => {
    if (level.includes("#")) return level === "#" && i === levels.length - 1;
    if (level.includes("+")) return level === "+";
    return true;
  });
}

/** Does `topic` match `filter`? Wildcards at the first level never match `$SYS`-style topics. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  if (topic.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === "#") return true; // also matches the parent: "a/#" matches "a"
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return f.length === t.length;
}
