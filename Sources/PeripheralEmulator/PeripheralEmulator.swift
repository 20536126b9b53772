// SPDX-License-Identifier: Apache-2.0
// Placeholder so the module builds; replaced as the module is written.
public enum PeripheralEmulatorModule {}
