# Warnings for motcua's own code; third-party headers come in as SYSTEM includes.
add_library(motcua_warnings INTERFACE)
target_compile_options(motcua_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wformat=2 -Wimplicit-fallthrough -Wnull-dereference
  $<$<CXX_COMPILER_ID:GNU>:-Wlogical-op -Wduplicated-cond>
  # Designated initializers that leave members at their defaults are intended.
  -Wno-missing-field-initializers
  -Wno-error=deprecated-declarations)
if(MOTCUA_WERROR)
  target_compile_options(motcua_warnings INTERFACE -Werror
    # GCC 12 -O2 false positives inside libstdc++ and Boost code (mismatched-new-delete: Asio's
    # coroutine frames, whose aligned operator new/delete pair GCC fails to match once inlined).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-error=array-bounds -Wno-error=stringop-overflow
                             -Wno-error=null-dereference -Wno-error=maybe-uninitialized
                             -Wno-error=mismatched-new-delete>)
endif()
