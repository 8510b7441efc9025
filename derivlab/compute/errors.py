"""Exceptions shared by the compute layer (no CuPy import here)."""

from __future__ import annotations


class KernelCompileError(RuntimeError):
    """A CUDA kernel failed to compile; ``log`` holds the compiler's own words.

    ``str(error)`` reads ``"<kernel file> did not compile (<arch>):\\n<log>"`` so a
    message box or a test failure shows the line and the reason NVRTC gave.
    """

    def __init__(self, name: str, log: str, arch: str = "") -> None:
        self.name = name
        self.log = log.strip()
        self.arch = arch
        where = f" ({arch})" if arch else ""
        super().__init__(f"{name} did not compile{where}:\n{self.log}")


class CompilerUnavailableError(RuntimeError):
    """NVRTC (the CUDA run-time compiler library) could not be loaded."""
