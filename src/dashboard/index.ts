export { createDashboard, listenDashboard, DASHBOARD_PATH, type DashboardHandler, type DashboardOptions } from './dashboard';
export { dashboardAccess, type AccessCheck } from './dashboard-access';
export { createHubsDashboard, listenHubsDashboard, hubDashboardPath, type HubsDashboardOptions } from './hubs-dashboard';
