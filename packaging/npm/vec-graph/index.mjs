// Role: the ES module entry of vec-graph. It re-exports index.cjs, the one implementation, so the two
// entries cannot drift and an app that uses both gets one module instance.
import vecGraph from './index.cjs';

export const { getLoadablePath, load } = vecGraph;
