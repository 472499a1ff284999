// Raw workspace memory for the core's large arrays, shared by the threshold sort and the line
// search.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace aumtrain {

inline constexpr std::size_t kCacheLineBytes = 64;
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// A block of raw memory, aligned to a cache line, or to a huge page (and advised to use huge
/// pages: scatter passes and random look-ups touch thousands of places at once, too many for
/// 4 KiB TLB entries) when it is large. It only grows, and keeps nothing when it does.
class Block {
 public:
  Block() = default;
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
  Block(Block&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  Block& operator=(Block&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    return *this;
  }
  ~Block() { std::free(data_); }

  template <class T>
  T* reserve(std::size_t count) {
    const std::size_t bytes = std::max<std::size_t>(count * sizeof(T), 1);
    if (bytes > bytes_) {
      std::free(data_);
      data_ = nullptr;
      bytes_ = 0;
      const bool huge = bytes >= 2 * kHugePageBytes;
      const std::size_t alignment = huge ? kHugePageBytes : kCacheLineBytes;
      const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
      data_ = std::aligned_alloc(alignment, rounded);
      if (data_ == nullptr) throw std::bad_alloc();
      if (huge) ::madvise(data_, rounded, MADV_HUGEPAGE);  // advice: failure is harmless
      bytes_ = rounded;
    }
    return static_cast<T*>(data_);
  }
  template <class T>
  T* get() const noexcept {
    return static_cast<T*>(data_);
  }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace aumtrain
