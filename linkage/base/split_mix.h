// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): one step advances a 64-bit state and returns a
// well-mixed value. Small and fast; what the linkage code uses to draw
// reproducible samples (random pairs, pairs within blocks) and to derive
// seeds, the same on every standard library.
#ifndef RECKON_LINKAGE_BASE_SPLIT_MIX_H_
#define RECKON_LINKAGE_BASE_SPLIT_MIX_H_

#include <cstdint>

namespace reckon {

inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace reckon

#endif  // RECKON_LINKAGE_BASE_SPLIT_MIX_H_
