// A pure function that remembers its last answer: the engine and the adapter ask for the same time many times per
// step (the events of an episode mostly share one timestamp), and date parsing and formatting cost more than the
// rest of such a step.

export function rememberLast<K, V>(compute: (key: K) => V): (key: K) => V {
  let known = false;
  let lastKey: K;
  let lastValue: V;
  return (key) => {
    if (!known || key !== lastKey) {
      lastValue = compute(key);
      lastKey = key;
      known = true;
    }
    return lastValue;
  };
}
