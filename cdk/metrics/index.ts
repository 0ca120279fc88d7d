// The proxy's CloudWatch metrics as constructs see them, and a dashboard of a mesh.

export {
  type DashboardRoute,
  type DashboardVirtualNode,
  MeshDashboard,
  type MeshDashboardProps,
} from './mesh-dashboard.js';
export * from './proxy-metrics.js';
export { type ServerErrorRateProps, serverErrorRate } from './server-error-rate.js';
