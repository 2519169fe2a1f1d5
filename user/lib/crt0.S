// Process entry, with sp = the top of the stack and either x0-x4 = handles to the
// process, its first thread, its root VMAR, its job and the boot filesystem (0 when
// not given: a program the kernel starts; x5-x7 = further handles a launcher passed
// with zx_process_start_handles), or x0 = a bootstrap channel and x1 = 0 (a program
// janus_launch starts, user/lib/launch.c): runtime.c reads either. bss needs no
// clearing: its pages are zero-filled.
.text
.globl _start
.type _start, %function
_start:
  mov x29, #0                    // end of the frame-pointer chain for backtraces
  mov x30, #0
  bl __janus_runtime_init        // (x0-x7): keep the start-up handles
  adrp x0, __libc_fini_array     // newlib's exit() runs atexit handlers only, so
  add x0, x0, :lo12:__libc_fini_array  // register the destructors there
  bl atexit
  bl __libc_init_array           // constructors (.preinit_array, .init_array)
  adrp x0, __janus_argc          // main(argc, argv, NULL): the bootstrap message's
  ldr w0, [x0, :lo12:__janus_argc]  // arguments (none from the kernel)
  adrp x1, __janus_argv
  ldr x1, [x1, :lo12:__janus_argv]
  mov x2, #0
  bl main
  bl exit
.size _start, . - _start

// newlib's __libc_init_array/__libc_fini_array call _init/_fini, which crti/crtn
// supply on other systems; our programs have only the .init_array/.fini_array tables.
.globl _init, _fini
.type _init, %function
.type _fini, %function
_init:
_fini:
  ret
.size _init, . - _init
.size _fini, . - _fini

.section .note.GNU-stack, "", %progbits
