/** Stands in for a language model: answers after a latency, and says how many tokens (= credits) it used. */
export async function complete(prompt: string, maxTokens: number, latencyMs: number): Promise<{ text: string; tokens: number }> {
  await new Promise((resolve) => setTimeout(resolve, latencyMs));
  const words = prompt.split(/\s+/).filter(Boolean);
  const tokens = Math.max(1, Math.min(maxTokens, words.length * 3));
  return { text: `echo: ${words.slice(0, tokens).join(' ')}`, tokens };
}
